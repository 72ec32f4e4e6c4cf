"""Real triple stores: load the dataset into one (Graph Store Protocol)."""
