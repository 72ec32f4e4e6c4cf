"""The codebook: which sheets a case workbook has, which columns each sheet has, and what each column
becomes in RDF. It is the one mapping between a researcher's spreadsheet and the graph: the template
(`kg template`), the importer (`kg import`) and the example writer (`kg template --example`) all read
it, so they cannot disagree.

A row describes one node (an actor, an agreement, an event, ...) as one passage states it: every
row names its `passage`, and its triples go into that passage's GRAPH and nowhere else
(docs/PROVENANCE.md). Two passages that say things about the same node are two rows.

The meanings printed in the header and on the explanation sheet come from the ontology (the
`rdfs:label` and `skos:definition` of the column's property, in English and Indonesian) where the
column has a property; the drop-down lists come from the SKOS schemes and the class tree of the
ontology (`kg.casebook.vocab`). What is written here is only what the ontology cannot say: which
property a column is, what kind of value it takes, and whether it is required.
"""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from kg.namespaces import DCTERMS, PD, PDV, PROV, RDFS, SKOS

__all__ = ["Column", "Sheet", "SHEETS", "sheet_named", "LIST_SEPARATOR", "TEXT_SEPARATOR"]

# a cell holding several names or concepts separates them with ";", several texts with a new line
LIST_SEPARATOR = ";"
TEXT_SEPARATOR = "\n"

# kinds of value a column takes
ID = "id"              # the row's node: a bare id (special-region-of-yogyakarta) or blank to derive one
NEW = "new"            # yes / no: the row creates its node (yes) or adds to one that exists (no, blank)
KIND = "kind"          # a class under the sheet's root class (drop-down)
NAME = "name"          # another node, by id, prefixed name, label or alternative label
NAMES = "names"        # several, separated by ";"
CONCEPT = "concept"    # a concept of a SKOS scheme (drop-down), by id or label
CONCEPTS = "concepts"
TEXT = "text"          # a literal in the column's language (or the row's `language`)
TEXTS = "texts"        # several, one a line
PLAIN = "plain"        # a literal without language (a code, a citation)
DATE = "date"          # YYYY, YYYY-MM or YYYY-MM-DD (xsd:gYear, xsd:gYearMonth, xsd:date)
INTEGER = "integer"
URL = "url"            # an http(s) address (xsd:anyURI); never fetched
LANG = "language"      # id or en: the language of the row's quote or title
SECTION = "section"    # a passage's section: an existing section by name, or a heading of the work


@dataclass(frozen=True)
class Column:
    key: str
    value: str
    predicate: URIRef | None = None
    lang: str | None = None          # TEXT/TEXTS: the language tag; None = the row's `language`
    expect: URIRef | None = None     # NAME(S): the class expected; KIND: the root class; CONCEPT(S): the scheme
    required: bool = False           # required on every row
    required_new: bool = False       # required when the row creates its node
    unless: str = ""                 # required(_new) unless this other column of the row has a value
    en: str = ""                     # meaning, where the ontology has no label for the property
    id: str = ""
    example: str = ""

    @property
    def multi(self) -> bool:
        return self.value in (NAMES, CONCEPTS, TEXTS)


@dataclass(frozen=True)
class Sheet:
    name: str
    root: URIRef                     # every node of this sheet is an instance of a subclass of it
    en: str
    id: str
    columns: tuple[Column, ...]
    id_prefix: str = ""              # a derived id starts with this (passage-, agreement-, ...)

    def column(self, key: str) -> Column | None:
        return next((c for c in self.columns if c.key == key), None)

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]


def _id(en: str, id_: str, example: str = "") -> Column:
    return Column("id", ID, en=en, id=id_, example=example)


_NEW = Column("new", NEW, en="yes: this row creates the node; no or blank: the node already exists "
                             "(in the graph or on another row) and this passage says more about it",
              id="yes: baris ini membuat simpul baru; no atau kosong: simpul sudah ada dan kutipan ini "
                 "menambah keterangan tentangnya", example="yes")
_PASSAGE = Column("passage", NAME, predicate=PROV.wasDerivedFrom, expect=PD.SourcePassage, required=True,
                  en="the passage (sheet passages, or one in the graph) that says what this row records: "
                     "the row's facts go into that passage's graph",
                  id="kutipan (lembar passages, atau yang sudah ada) yang menyatakan isi baris ini",
                  example="passage-beritajakarta-2019-01")
_LABEL_EN = Column("label_en", TEXT, predicate=RDFS.label, lang="en", required_new=True,
                   en="name in English", id="nama dalam bahasa Inggris", example="Seoul")
_LABEL_ID = Column("label_id", TEXT, predicate=RDFS.label, lang="id", required_new=True,
                   en="name in Indonesian", id="nama dalam bahasa Indonesia", example="Seoul")
_COMMENT = Column("comment_en", TEXTS, predicate=RDFS.comment, lang="en",
                  en="a remark in English (why a value was read as it was; never a new fact)",
                  id="catatan dalam bahasa Inggris (mengapa suatu nilai dibaca demikian)")

SHEETS: tuple[Sheet, ...] = (
    Sheet("works", PD.SourceWork, "a source: a web page, a news report, an article, a paper",
          "sumber: halaman web, berita, artikel, makalah", id_prefix="work-", columns=(
              _id("id of the work (blank: derived from the English name)", "id karya (kosong: dibuat dari nama)",
                  "web-beritajakarta-2019-02-13"),
              _NEW,
              Column("kind", KIND, expect=PD.SourceWork, required_new=True, example="WebPage"),
              Column("title", TEXT, predicate=DCTERMS.title, required_new=True,
                     en="the title as printed, in its own language", id="judul sebagaimana tertulis",
                     example="21 Kota di Dunia Jalin Kerja Sama Sister City dengan Jakarta"),
              Column("language", LANG, predicate=DCTERMS.language, required_new=True,
                     en="language of the work: id or en", id="bahasa karya: id atau en", example="id"),
              Column("url", URL, predicate=PD.url, example="https://www.beritajakarta.id/read/66251/..."),
              Column("date", DATE, predicate=DCTERMS.date,
                     en="the date the work prints (publication date)", id="tanggal yang tertera pada karya",
                     example="2019-02-13"),
              Column("citation", PLAIN, predicate=DCTERMS.bibliographicCitation,
                     en="how the work is cited (outlet, author, date)", id="cara mengutip karya ini",
                     example="Beritajakarta.id, 13 Februari 2019"),
              _LABEL_EN, _LABEL_ID, _COMMENT,
          )),
    Sheet("passages", PD.SourcePassage, "a sentence of a source, quoted verbatim: every other row cites one",
          "kalimat sumber yang dikutip apa adanya: setiap baris lain merujuk ke salah satunya",
          id_prefix="passage-", columns=(
              _id("id of the passage (blank: derived from the work and the order)", "id kutipan",
                  "passage-beritajakarta-2019-01"),
              _NEW,
              Column("work", NAME, expect=PD.SourceWork,
                     en="the work the passage comes from (sheet works or the graph); needed when the section is a heading",
                     id="karya asal kutipan", example="web-beritajakarta-2019-02-13"),
              Column("section", SECTION, predicate=DCTERMS.isPartOf, required_new=True,
                     en="page or section: an existing section (section-b5) or the heading the quote stands under",
                     id="halaman atau bagian: bagian yang sudah ada, atau judul bagian tempat kutipan",
                     example="whole page"),
              Column("footnote", NAME, predicate=PD.footnote, expect=PD.Footnote, example="footnote-16"),
              Column("order", INTEGER, predicate=PD.order, en="position of the passage in its section",
                     id="urutan kutipan dalam bagiannya", example="1"),
              Column("page", PLAIN, predicate=PD.pages, en="page(s), where the work has pages", id="halaman",
                     example="hal. 2-3"),
              Column("quote", TEXT, predicate=PD.quote, required_new=True,
                     en="the sentence, verbatim (copy it, never paraphrase)", id="kalimat sumber, apa adanya",
                     example="Sekadar diketahui, 21 kota di dunia ..."),
              Column("language", LANG, required_new=True, en="language of the quote: id or en",
                     id="bahasa kutipan: id atau en", example="id"),
              Column("translation_en", TEXT, predicate=PD.translation, lang="en",
                     en="a faithful English rendering (required when the quote is not in English)",
                     id="terjemahan bahasa Inggris yang setia", example="For the record, the 21 cities ..."),
          )),
    Sheet("actors", PD.Actor, "a region, province, city, state, company, person ... as a passage names it",
          "daerah, provinsi, kota, negara, perusahaan, orang ... sebagaimana disebut kutipan",
          columns=(
              _id("id of the actor (blank: derived from the English name)", "id aktor", "seoul"),
              _NEW,
              Column("kind", KIND, expect=PD.Actor, required_new=True, example="City"),
              _LABEL_EN, _LABEL_ID,
              Column("alt_labels", TEXTS, predicate=SKOS.altLabel,
                     en="other spellings, one a line, each ending in @id or @en", id="ejaan lain, satu per baris, diakhiri @id atau @en",
                     example="Seoul Metropolitan Government@en"),
              Column("in_state", NAME, predicate=PD.inState, expect=PD.SovereignState,
                     en="the sovereign state the passage places it in (only if the passage says so)",
                     id="negara tempatnya (hanya bila kutipan menyebutnya)", example="South Korea"),
              Column("member_of", NAMES, predicate=PD.memberOfGroup, expect=PD.ActorGroup),
              _COMMENT, _PASSAGE,
          )),
    Sheet("agreements", PD.Cooperation, "an agreement (sister province, sister city, MoU ...), with its parties, or a cooperation the source names only as what an agreement continues (kind Cooperation)",
          "perjanjian (provinsi kembar, kota kembar, MoU ...) dengan para pihaknya", id_prefix="agreement-",
          columns=(
              _id("id of the agreement (blank: agreement-<first party>-<second party>)", "id perjanjian",
                  "agreement-jakarta-seoul"),
              _NEW,
              Column("kind", KIND, expect=PD.Cooperation, required_new=True, example="SisterCityAgreement"),
              Column("parties", NAMES, predicate=PD.party, expect=PD.Actor, required_new=True,
                     en="the parties, separated by ';' (the Indonesian side first)", id="para pihak, dipisah ';'",
                     example="DKI Jakarta; Seoul"),
              Column("status", CONCEPTS, predicate=PD.status, expect=PDV["agreement-statuses"], example="status-followed-up"),
              Column("status_reason_id", TEXTS, predicate=PD.statusReason, lang="id"),
              Column("status_reason_en", TEXTS, predicate=PD.statusReason, lang="en"),
              Column("domains", CONCEPTS, predicate=PD.coversDomain, expect=PDV["policy-domains"], example="culture; education"),
              Column("start_date", DATE, predicate=PD.startDate,
                     en="when the cooperation began, where the source gives no signing (a signing goes on the sheet events)",
                     id="kapan kerjasama dimulai, bila sumber tidak menyebut penandatanganan"),
              Column("continues", NAME, predicate=PD.continues, expect=PD.Cooperation),
              Column("listed_in", NAMES, predicate=PD.listedIn, expect=PD.Count),
              Column("constrained_by", NAMES, predicate=PD.constrainedBy, expect=PD.Event),
              Column("proposed_conversion_to", NAMES, predicate=PD.proposedConversionTo,
                     en="a kind of agreement a party proposed to turn it into (e.g. pd:FriendshipAgreement)",
                     id="jenis perjanjian yang diusulkan sebagai penggantinya"),
              Column("description_en", TEXTS, predicate=PD.description, lang="en"),
              _LABEL_EN, _LABEL_ID, _COMMENT, _PASSAGE,
          )),
    Sheet("events", PD.Event, "a dated event: signing, extension, expiry, follow-up activity ...",
          "peristiwa bertanggal: penandatanganan, perpanjangan, berakhirnya, kegiatan tindak lanjut ...",
          columns=(
              _id("id of the event (blank: <kind>-<agreement>-<date>)", "id peristiwa", "signing-jakarta-seoul-1984"),
              _NEW,
              Column("kind", KIND, expect=PD.Event, required_new=True, example="Signing"),
              Column("agreement", NAME, predicate=PD.ofAgreement, expect=PD.Agreement, example="agreement-jakarta-seoul"),
              Column("date", DATE, predicate=PD.date, example="1984"),
              Column("start_date", DATE, predicate=PD.startDate),
              Column("end_date", DATE, predicate=PD.endDate),
              Column("participants", NAMES, predicate=PD.participant, expect=PD.Actor),
              Column("performed_by", NAMES, predicate=PD.performedBy, expect=PD.Actor),
              Column("affects", NAMES, predicate=PD.affects, expect=PD.Actor),
              Column("location", NAMES, predicate=PD.location, expect=PD.Actor),
              Column("description_en", TEXTS, predicate=PD.description, lang="en"),
              Column("description_id", TEXTS, predicate=PD.description, lang="id"),
              Column("activity_kind", CONCEPT, predicate=PD.activityKind, expect=PDV["activity-kinds"]),
              _LABEL_EN, _LABEL_ID, _COMMENT, _PASSAGE,
          )),
    Sheet("counts", PD.Count, "a number a passage gives (agreements, staff, representations ...)",
          "angka yang disebut kutipan (perjanjian, staf, perwakilan ...)", id_prefix="count-",
          columns=(
              _id("id of the count", "id hitungan", "count-jakarta-sister-cities-2019"),
              _NEW,
              Column("kind", KIND, expect=PD.Count, required_new=True, example="AgreementCount"),
              Column("count_of", NAME, predicate=PD.countOf, expect=PD.Actor, required_new=True, unless="subset_of",
                     example="DKI Jakarta"),
              Column("counted_thing_en", TEXT, predicate=PD.countedThing, lang="en"),
              Column("counted_thing_id", TEXT, predicate=PD.countedThing, lang="id"),
              Column("value", INTEGER, predicate=PD.value, required_new=True, example="21"),
              Column("qualifier", CONCEPT, predicate=PD.qualifier, expect=PDV["count-qualifiers"], example="exact"),
              Column("period_start", DATE, predicate=PD.periodStart),
              Column("period_end", DATE, predicate=PD.periodEnd),
              Column("part_of_total", NAME, predicate=PD.partOfTotal, expect=PD.Count),
              Column("subset_of", NAME, predicate=PD.subsetOf, expect=PD.Count,
                     en="the count this one is a subset of ('5 of the 11'); a subset whose passage names "
                        "no owner leaves count_of empty",
                     id="hitungan yang memuat hitungan ini ('5 dari 11'); bila kutipan tidak menyebut "
                        "pemiliknya, count_of dikosongkan",
                     example="count-west-java-partner-states-2017"),
              Column("counts_status", CONCEPTS, predicate=PD.countsStatus, expect=PDV["agreement-statuses"]),
              _LABEL_EN, _LABEL_ID, _COMMENT, _PASSAGE,
          )),
    Sheet("relations", PD.CentreRegionRelation, "a centre-region relation and the evidence a passage gives for it",
          "hubungan pusat-daerah dan bukti yang diberikan kutipan", id_prefix="relation-",
          columns=(
              _id("id of the relation", "id hubungan", "relation-catalonia-spain"),
              _NEW,
              Column("kind", KIND, expect=PD.CentreRegionRelation, required_new=True, example="CentreRegionRelation"),
              Column("sub_state_actor", NAME, predicate=PD.subStateActor, expect=PD.SubStateActor, required_new=True),
              Column("central_government", NAME, predicate=PD.centralGovernment, expect=PD.CentralGovernment,
                     required_new=True),
              Column("evidence", NAMES, predicate=PD.hasEvidence,
                     en="events or facts the passage gives as evidence of the relation's character",
                     id="peristiwa atau fakta yang menjadi bukti sifat hubungan"),
              Column("frictions", NAMES, predicate=PD.hasFriction),
              Column("description_en", TEXTS, predicate=PD.description, lang="en"),
              Column("description_id", TEXTS, predicate=PD.description, lang="id"),
              _LABEL_EN, _LABEL_ID, _COMMENT, _PASSAGE,
          )),
    Sheet("concepts", PD.Concept, "a term of the field (paradiplomacy, micro-diplomacy ...) as a passage defines it",
          "istilah bidang kajian (paradiplomasi, mikro-diplomasi ...) sebagaimana didefinisikan kutipan",
          id_prefix="concept-", columns=(
              _id("id of the concept (blank: concept-<English name>)", "id konsep", "concept-paradiplomacy"),
              _NEW,
              Column("kind", KIND, expect=PD.Concept, required_new=True, example="Concept"),
              _LABEL_EN, _LABEL_ID,
              Column("definition_en", TEXT, predicate=SKOS.definition, lang="en",
                     en="the definition the passage gives, in English, in the passage's own words (no more)",
                     id="definisi yang diberikan kutipan, dalam bahasa Inggris, dengan kata-kata kutipan itu",
                     example="a 'foreign policy capacity' of sub-state entities ..."),
              Column("definition_id", TEXT, predicate=SKOS.definition, lang="id",
                     en="the definition the passage gives, in Indonesian", id="definisi dalam bahasa Indonesia"),
              Column("coined_by", NAMES, predicate=PD.coinedBy, expect=PD.Actor,
                     en="who introduced the term, where the passage says so", id="pencetus istilah, bila kutipan menyebutnya"),
              _COMMENT, _PASSAGE,
          )),
)


def sheet_named(name: str) -> Sheet | None:
    return next((s for s in SHEETS if s.name == name), None)
