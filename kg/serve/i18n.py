"""The interface of `kg serve`'s pages in English and Indonesian.

The language is `?lang=en|id` on any page, else the `kg_lang` cookie (set by the switch in the page
header, /static/site.js), else English. Names and definitions come from the data in both languages;
the interface's own words are here, English as the key.
"""
from __future__ import annotations

LANGS = ("en", "id")
COOKIE = "kg_lang"

INDONESIAN = {
    "questions": "pertanyaan", "downloads": "unduhan", "SPARQL endpoint": "titik akhir SPARQL",
    "entities": "entitas", "vocabularies": "kosakata", "Search": "Cari", "search names": "cari nama",
    "Search results": "Hasil pencarian", "no match for": "tidak ada yang cocok untuk", "Did you mean": "Maksud Anda",
    "Types": "Jenis", "Statements": "Pernyataan", "Sources": "Sumber", "Linked from": "Ditautkan dari",
    "asserted": "dinyatakan", "inferred": "disimpulkan", "source": "sumber", "section": "bagian",
    "footnote": "catatan kaki", "cites": "mengutip", "English rendering": "terjemahan Inggris",
    "Names": "Nama", "English": "Inggris", "Indonesian": "Indonesia", "Also as": "Juga sebagai",
    "Why is this relation": "Mengapa hubungan ini", "Why?": "Mengapa?", "derived": "diturunkan",
    "by the axiom": "oleh aksioma", "evidence": "bukti", "is a": "adalah", "by": "oleh",
    "the triples that satisfy it": "tripel yang memenuhinya", "Scholars' classifications": "Klasifikasi para sarjana",
    "Frictions (they do not decide the character)": "Gesekan (tidak menentukan sifatnya)",
    "derived: nothing (no evidence of a conflict- or cooperation-indicating kind)":
        "diturunkan: tidak ada (tidak ada bukti jenis penanda konflik atau kerja sama)",
    "unattributed": "tanpa atribusi", "Explain": "Jelaskan", "Not in this dataset": "Tidak ada di dataset ini",
    "names nothing in the dataset.": "tidak menamai apa pun di dataset.", "Back to the start page": "Kembali ke halaman awal",
    "Contents": "Daftar isi", "Classes": "Kelas", "Object properties": "Properti objek",
    "Datatype properties": "Properti tipe data", "Annotation properties": "Properti anotasi",
    "Concept schemes": "Skema konsep", "Axioms": "Aksioma", "Classification axioms": "Aksioma klasifikasi",
    "In the domain of": "Dalam domain", "In the range of": "Dalam jangkauan", "Subclasses": "Subkelas",
    "Superclasses": "Superkelas", "Examples": "Contoh", "Domain": "Domain", "Range": "Jangkauan",
    "Inverse of": "Kebalikan dari", "Subproperty of": "Subproperti dari", "Subproperties": "Subproperti", "See it on the start page": "Lihat di halaman awal",
    "table": "tabel", "chart": "grafik", "map": "peta", "timeline": "lini masa", "network": "jaringan", "Used in the axioms": "Dipakai dalam aksioma", "more": "lagi",
    "A timeline": "Lini masa", "Where": "Di mana", "Everything in the dataset, by kind": "Semua isi dataset, menurut jenis",
    "The concept schemes": "Skema konsep", "Downloads": "Unduhan", "Questions": "Pertanyaan",
    "the quote": "kutipan", "show the source": "tampilkan sumber", "kind": "jenis",
    "Ask the knowledge graph": "Tanya graf pengetahuan", "Run": "Jalankan", "Open in the editor": "Buka di editor",
    "Your own query": "Kueri sendiri", "Results": "Hasil", "Pick a question": "Pilih pertanyaan",
    "Why is {name} a {character}?": "Mengapa {name} merupakan {character}?",
    "relation": "hubungan", "sources": "sumber", "ontology": "ontologi",
    "Why is this relation cooperative or conflictual?": "Mengapa hubungan ini kooperatif atau konfliktual?", "why it is": "mengapa", "and": "dan", "of": "dari",
    "Ask it on the start page": "Tanyakan di halaman awal", "default": "bawaan", "parameters": "parameter",
    "The built dataset, described in": "Dataset hasil build, dijelaskan dalam", "file": "berkas", "bytes": "bita",
    "media type": "jenis media", "Partners on a map": "Mitra di peta",
    "Agreements on a timeline": "Perjanjian di lini masa", "Not found": "Tidak ditemukan", "SPARQL query": "Kueri SPARQL",
    "OWL 2 RL: ⊓ and, ∃p.C some p of kind C, ∃p.{v} p with the value v, ⊑ is a kind of. The build derives each class "
    "on the right for whatever satisfies the left":
        "OWL 2 RL: ⊓ dan, ∃p.C suatu p berjenis C, ∃p.{v} p dengan nilai v, ⊑ adalah sejenis. Build menurunkan setiap "
        "kelas di kanan untuk apa pun yang memenuhi sisi kiri",
}


def translator(lang: str):
    """`t(text)`: the interface text in `lang` (English when there is no Indonesian for it)."""
    if lang == "id":
        return lambda text: INDONESIAN.get(text, text)
    return lambda text: text


def page_lang(request) -> str:
    """The language a request asks for: ?lang=, else the cookie, else English."""
    lang = request.query_params.get("lang") or request.cookies.get(COOKIE) or "en"
    return lang if lang in LANGS else "en"
