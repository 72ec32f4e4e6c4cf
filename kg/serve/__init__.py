"""`kg serve`: the SPARQL 1.1 endpoint, linked-data pages and the web page over the built dataset."""
