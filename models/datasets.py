"""The one place that maps each labelled data source onto the guideline categories.

Each source records beside its loader: where it comes from, its citation, its licence as
stated, a licence class (what a shipped model may be trained on), and how it may be used:

- ``train``: may be trained on (its held-out split is also evaluated);
- ``negatives``: only its civil side may be trained on (CONAN counter-narratives);
- ``eval``: evaluation only, never trained on (bias sets, GPL ETHOS, non-commercial SFU);
- ``schema``: unit tests only (jigsaw-toxic-mini), neither trained nor reported.

Labels are partial: a row carries only the categories its source says something about, and
the classifier trains each category on the rows that know it. Two rules fill in the rest:
a comment that is not toxic is none of the toxic subtypes, and comments from toxicity
sources are not spam (these corpora were collected as discussion, not advertising).

Every source is split train / validation / test by a hash of its normalised-whitespace
text and the seed, so duplicates always land in the same split and runs are repeatable.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from models.categories import CATEGORIES

csv.field_size_limit(sys.maxsize)

TOXIC_SUBTYPES = ("insult", "threat", "identity_attack", "obscene")

# Licence classes. The default training set leaves out the last three.
PERMISSIVE = "permissive"  # CC0, MIT, CC BY: commercial use and redistribution allowed
SHARE_ALIKE = "share-alike"  # CC BY-SA: allowed, derived data under the same terms
ATTRIBUTION_REQUESTED = "attribution-requested"  # free use, authors ask for citation
UNSTATED = "unstated"  # no licence in the mirror: usable here, check before shipping
COPYLEFT = "copyleft"  # GPL: get it checked before shipping
NON_COMMERCIAL = "non-commercial"
RESEARCH_ONLY = "research-only"  # authors' terms or no licence on scraped content
INTERNAL_ONLY = "internal-only"  # text the original authors withheld (GDPR)
DEFAULT_LICENCES: frozenset[str] = frozenset(
    {PERMISSIVE, SHARE_ALIKE, ATTRIBUTION_REQUESTED, UNSTATED}
)

Labels = dict[str, float]
SPLITS = ("train", "validation", "test")


@dataclass(frozen=True)
class Example:
    text: str
    labels: Labels
    source: str
    split: str


@dataclass(frozen=True)
class Source:
    name: str
    files: tuple[str, ...]  # relative to the data dir; all must exist
    use: str  # train | negatives | eval | schema
    licence: str
    licence_class: str
    origin: str
    citation: str
    rows: Callable[[Path], Iterator[tuple[str, Labels]]] = field(repr=False)

    def trainable(self, licences: Collection[str]) -> bool:
        return self.use in ("train", "negatives") and self.licence_class in licences


def _read(path: Path, delimiter: str = ",") -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh, delimiter=delimiter)


def _toxic(flags: dict[str, float | None], spam: float | None = 0.0) -> Labels:
    """Complete partial toxicity labels with the implication rules in the module docstring."""
    labels = {k: float(v) for k, v in flags.items() if v is not None}
    if any(labels.get(k) == 1.0 for k in TOXIC_SUBTYPES):
        labels["toxicity"] = 1.0
    if labels.get("toxicity") == 0.0:
        labels.update({k: 0.0 for k in TOXIC_SUBTYPES})
    if spam is not None:
        labels["spam"] = spam
    return labels


def _toxic_spans(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "toxic-spans-civil-comments/toxic_spans_per_comment.csv"):
        yield (
            r["comment_text"],
            _toxic(
                {
                    "toxicity": int(r["majority_toxic"]),
                    "insult": int(r["insult_majority"]),
                    "threat": int(r["threat_majority"]),
                    "identity_attack": int(r["identity_attack_majority"]),
                    "obscene": int(r["profane_obscene_majority"]),
                }
            ),
        )


def _jigsaw_binary(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "jigsaw-toxic-binary-sample/jigsaw_toxic_binary_12k.csv"):
        yield r["comment_text"], _toxic({"toxicity": int(r["toxic"])})


def _jigsaw_mini(d: Path) -> Iterator[tuple[str, Labels]]:
    for name in ("train.csv", "test_proced.csv"):
        for r in _read(d / "jigsaw-toxic-mini" / name):
            yield (
                r["comment_text"],
                _toxic(
                    {
                        "toxicity": int(r["toxic"]),
                        "insult": int(r["insult"]),
                        "threat": int(r["threat"]),
                        "identity_attack": int(r["identity_hate"]),
                        "obscene": int(r["obscene"]),
                    }
                ),
            )


def _davidson(d: Path) -> Iterator[tuple[str, Labels]]:
    # "Offensive language" is toxic but not necessarily an insult or obscene: leave those unknown.
    for r in _read(d / "davidson-hate-offensive/labeled_data.csv"):
        cls = int(r["class"])
        yield r["tweet"], _toxic({"toxicity": cls != 2, "identity_attack": cls == 0})


def _ethos(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "ethos/Ethos_Dataset_Binary.csv", delimiter=";"):
        hate = float(r["isHate"]) >= 0.5
        yield r["comment"], {"toxicity": float(hate), "identity_attack": float(hate)}


def _youtube_spam(d: Path) -> Iterator[tuple[str, Labels]]:
    for path in sorted((d / "youtube-spam").glob("Youtube0*.csv")):
        for r in _read(path):
            yield r["CONTENT"], {"spam": float(r["CLASS"])}


def _youtube_spam_extra(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "youtube-spam-extra/youtube_spam_extra.csv"):
        yield r["CONTENT"], {"spam": float(r["CLASS"])}


def _sms_spam(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "sms-spam/sms_spam_collection.csv"):
        yield r["text"], {"spam": float(r["label"] == "spam")}


def _datacamp(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "datacamp-blog-comment-spam/datacamp_comment_spam.csv"):
        yield r["comment_text"], {"spam": float(r["label"])}


def _identity_templates(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "identity-bias-templates/en_sentence_templates.csv"):
        yield r["phrase"], {"toxicity": float(r["toxicity"] == "toxic")}


def _wikipedia_sample(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "wikipedia-toxicity-sample/toxicity_nonfuzzed_testset.csv"):
        yield r["comment"], {"toxicity": float(r["toxic"] == "True")}


def _ruddit(d: Path) -> Iterator[tuple[str, Labels]]:
    # The score is relative: keep the clear ends, drop the ambiguous middle and deleted rows.
    for r in _read(d / "ruddit/ruddit_with_text.csv"):
        text, score = r["comment_body"], float(r["offensiveness_score"])
        if text in ("[deleted]", "[removed]") or 0.0 < score <= 0.5:
            continue
        yield text, _toxic({"toxicity": score > 0.5})


def _hateval(d: Path) -> Iterator[tuple[str, Labels]]:
    # Non-hateful tweets may still be rude, so toxicity is only known when HS = 1.
    for r in _read(d / "hateval2019-en/hateval2019_en.csv"):
        hs = int(r["HS_relabeled_test"] or r["HS"])
        yield r["text"], _toxic({"identity_attack": hs, "toxicity": 1 if hs else None})


def _stormfront(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "stormfront-hate-speech/stormfront_sentences.csv"):
        if r["label"] in ("hate", "noHate"):
            yield (
                r["text"],
                _toxic({"toxicity": r["label"] == "hate", "identity_attack": None}),
            )


def _gab(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "gab-hate-corpus/ghc.csv"):
        hd, cv, vo = int(r["hd"]), int(r["cv"]), int(r["vo"])
        yield (
            r["text"],
            _toxic(
                {
                    "toxicity": hd or cv or vo,
                    "identity_attack": hd,
                    "threat": cv,
                    "obscene": vo,
                }
            ),
        )


def _implicit_hate(d: Path) -> Iterator[tuple[str, Labels]]:
    # Implicit hate is coded: an identity attack, but not overtly toxic language.
    for r in _read(d / "implicit-hate/implicit_hate_stg1_posts.csv"):
        cls = r["class"]
        if cls == "not_hate":
            yield r["post"], _toxic({"toxicity": 0})
        else:
            toxic = 1 if cls == "explicit_hate" else None
            yield r["post"], _toxic({"toxicity": toxic, "identity_attack": 1})


def _conan_negatives(d: Path) -> Iterator[tuple[str, Labels]]:
    # Only the expert counter-narratives: civil text about the same groups. The hate side
    # is written/paraphrased by operators, not real posts, so it is never used.
    seen: set[str] = set()
    for name, col in (
        ("conan_en.csv", "counterSpeech"),
        ("multitarget_conan.csv", "COUNTER_NARRATIVE"),
    ):
        for r in _read(d / "conan-counter-speech" / name):
            if r[col] not in seen:
                seen.add(r[col])
                yield r[col], _toxic({"toxicity": 0})


def _sfu(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "sfu-news-comments-toxicity/sfu_constructiveness_toxicity.csv"):
        yield r["comment_text"], {"toxicity": float(int(r["toxicity_level"]) >= 2)}


def _youtoxic(d: Path) -> Iterator[tuple[str, Labels]]:
    for r in _read(d / "youtoxic/youtoxic_english_1000.csv"):
        ident = any(
            r[k] == "1"
            for k in (
                "IsHatespeech",
                "IsRacist",
                "IsSexist",
                "IsHomophobic",
                "IsReligiousHate",
            )
        )
        yield (
            r["Text"],
            _toxic(
                {
                    "toxicity": int(r["IsToxic"]),
                    "insult": int(r["IsAbusive"]),
                    "threat": int(r["IsThreat"]),
                    "obscene": int(r["IsObscene"]),
                    "identity_attack": ident,
                }
            ),
        )


def _src(name, files, use, licence, cls, origin, citation, rows) -> Source:
    return Source(name, tuple(files), use, licence, cls, origin, citation, rows)


SOURCE_TABLE: tuple[Source, ...] = (
    _src("toxic-spans-civil-comments", ["toxic-spans-civil-comments/toxic_spans_per_comment.csv"],
         "train", "CC0 1.0", PERMISSIVE, "github.com/ipavlopoulos/toxic_spans @beaf170",
         "Pavlopoulos et al., ACL 2022; SemEval-2021 Task 5", _toxic_spans),
    _src("jigsaw-toxic-binary-sample", ["jigsaw-toxic-binary-sample/jigsaw_toxic_binary_12k.csv"],
         "train", "CC0 labels, CC BY-SA 3.0 text", SHARE_ALIKE,
         "Jigsaw Toxic Comment Classification (Kaggle), GitHub mirror",
         "Wulczyn, Thain, Dixon, WWW 2017", _jigsaw_binary),
    _src("jigsaw-toxic-mini", ["jigsaw-toxic-mini/train.csv", "jigsaw-toxic-mini/test_proced.csv"],
         "schema", "CC0 / CC BY-SA 3.0", SHARE_ALIKE, "Jigsaw Toxic Comment (tiny mirror)",
         "Jigsaw/Conversation AI 2018", _jigsaw_mini),
    _src("davidson-hate-offensive", ["davidson-hate-offensive/labeled_data.csv"], "train", "MIT",
         PERMISSIVE, "github.com/t-davidson/hate-speech-and-offensive-language @cb50f7e",
         "Davidson et al., ICWSM 2017", _davidson),
    _src("ethos", ["ethos/Ethos_Dataset_Binary.csv"], "eval", "GPL-3.0", COPYLEFT,
         "github.com/intelligence-csd-auth-gr/Ethos-Hate-Speech-Dataset @705258e",
         "Mollas et al., Complex & Intelligent Systems 2022", _ethos),
    _src("youtube-spam", [f"youtube-spam/Youtube0{i}-{v}.csv" for i, v in
                          enumerate(["Psy", "KatyPerry", "LMFAO", "Eminem", "Shakira"], 1)],
         "train", "citation requested (UCI, reportedly CC BY 4.0)", ATTRIBUTION_REQUESTED,
         "UCI YouTube Spam Collection; mirror ScribbleDribble/Spam-Detector-Text-Classification",
         "Alberto, Lochter, Almeida, ICMLA 2015", _youtube_spam),
    _src("youtube-spam-extra", ["youtube-spam-extra/youtube_spam_extra.csv"], "train",
         "no licence file (cite TubeSpam)", UNSTATED,
         "github.com/tuliocasagrande/youtube-spam-experiment @cc13ff6, @0dbcd09",
         "Alberto, Lochter, Almeida, ICMLA 2015", _youtube_spam_extra),
    _src("sms-spam", ["sms-spam/sms_spam_collection.csv"], "train",
         "free, authors keep copyright, cite", ATTRIBUTION_REQUESTED,
         "UCI SMS Spam Collection v.1; mirror PARKER-X/SpamClassifier @5fa41ea",
         "Almeida, Gomez Hidalgo, Yamakami, DocEng 2011", _sms_spam),
    _src("datacamp-blog-comment-spam", ["datacamp-blog-comment-spam/datacamp_comment_spam.csv"],
         "train", "none stated (scraped user content)", RESEARCH_ONLY,
         "github.com/Desmond00/DatacampArticleSentimentAnalysis @a68549a",
         "Desmond00, DatacampArticleSentimentAnalysis (GitHub, 2019)", _datacamp),
    _src("identity-bias-templates", ["identity-bias-templates/en_sentence_templates.csv"], "eval",
         "CC BY 4.0", PERMISSIVE, "github.com/conversationai/unintended-ml-bias-analysis",
         "Dixon et al., AIES 2018", _identity_templates),
    _src("wikipedia-toxicity-sample", ["wikipedia-toxicity-sample/toxicity_nonfuzzed_testset.csv",
                                       "wikipedia-toxicity-sample/toxicity_fuzzed_testset.csv"],
         "eval", "CC BY 4.0 (repo); CC0 / CC BY-SA 3.0 underlying", PERMISSIVE,
         "github.com/conversationai/unintended-ml-bias-analysis @9c7d91a",
         "Wulczyn et al. WWW 2017; Dixon et al. AIES 2018", _wikipedia_sample),
    _src("ruddit", ["ruddit/ruddit_with_text.csv"], "train",
         "ids/scores MIT; Reddit text withheld by the authors (GDPR)", INTERNAL_ONLY,
         "Ruddit (Hada et al.) with re-collected Reddit text", "Hada et al., ACL 2021", _ruddit),
    _src("hateval2019-en", ["hateval2019-en/hateval2019_en.csv"], "train", "not stated",
         UNSTATED, "SemEval-2019 Task 5 (TweetEval hate) + Sentropy relabelled test",
         "Basile et al., SemEval 2019", _hateval),
    _src("stormfront-hate-speech", ["stormfront-hate-speech/stormfront_sentences.csv"], "train",
         "CC BY-SA 3.0 ES", SHARE_ALIKE, "github.com/Vicomtech/hate-speech-dataset @b802137",
         "de Gibert et al., ALW2 2018", _stormfront),
    _src("gab-hate-corpus", ["gab-hate-corpus/ghc.csv"], "train",
         "not stated in mirror (OSF reportedly CC BY 4.0)", UNSTATED,
         "github.com/liuchaoqun/hate-speech-datasets @98f3ee8; osf.io/edua3",
         "Kennedy et al., LRE 2022", _gab),
    _src("implicit-hate", ["implicit-hate/implicit_hate_stg1_posts.csv"], "train", "CC BY 4.0",
         PERMISSIVE, "Latent Hatred (SALT-NLP/implicit-hate)", "ElSherief et al., EMNLP 2021",
         _implicit_hate),
    _src("conan-counter-speech", ["conan-counter-speech/conan_en.csv",
                                  "conan-counter-speech/multitarget_conan.csv"], "negatives",
         "research only, no redistribution", RESEARCH_ONLY,
         "github.com/marcoguerini/CONAN @627faf1",
         "Chung et al. ACL 2019; Fanton et al. ACL-IJCNLP 2021", _conan_negatives),
    _src("sfu-news-comments-toxicity",
         ["sfu-news-comments-toxicity/sfu_constructiveness_toxicity.csv"], "eval",
         "CC BY-NC-SA 4.0", NON_COMMERCIAL, "SFU Opinion and Comments Corpus (SOCC)",
         "Kolhatkar et al., Corpus Pragmatics 2020", _sfu),
    _src("youtoxic", ["youtoxic/youtoxic_english_1000.csv"], "train",
         "not stated (Kaggle; treat as research-only)", RESEARCH_ONLY,
         "Kaggle youtube-toxicity-data; mirror aaronchenghs/youtube-sentiment-analyzer-server",
         "Namdari, YouTube toxicity data (Kaggle)", _youtoxic),
)  # fmt: skip

SOURCES: dict[str, Source] = {s.name: s for s in SOURCE_TABLE}


def available(source: Source, data_dir: Path) -> bool:
    return all((Path(data_dir) / f).is_file() for f in source.files)


def missing_sources(data_dir: Path) -> list[tuple[str, str]]:
    """Sources whose files are absent, with where to get them."""
    return [(s.name, s.origin) for s in SOURCES.values() if not available(s, data_dir)]


def split_of(text: str, seed: int = 0) -> str:
    """70 / 15 / 15 by a hash of the whitespace-normalised text (duplicates stay together)."""
    key = f"{seed}:{' '.join(text.split()).lower()}".encode()
    bucket = int.from_bytes(hashlib.sha256(key).digest()[:4], "big") % 100
    return "train" if bucket < 70 else "validation" if bucket < 85 else "test"


def load(name: str, data_dir: Path, *, seed: int = 0, max_rows: int | None = None) -> list[Example]:
    """All examples of one source with their split; `max_rows` keeps a deterministic subset."""
    src = SOURCES[name]
    rows = [(t, lab) for t, lab in src.rows(Path(data_dir)) if t and t.strip()]
    if max_rows is not None and len(rows) > max_rows:
        rank = sorted(
            range(len(rows)),
            key=lambda i: hashlib.sha256(f"{seed}:{rows[i][0]}".encode()).digest(),
        )
        keep = sorted(rank[:max_rows])
        rows = [rows[i] for i in keep]
    return [Example(t, lab, name, split_of(t, seed)) for t, lab in rows]


def fingerprint(data_dir: Path, names: Collection[str]) -> str:
    """sha256 over the bytes of every file the named sources read."""
    h = hashlib.sha256()
    for name in sorted(names):
        for rel in SOURCES[name].files:
            h.update(rel.encode())
            h.update(hashlib.sha256((Path(data_dir) / rel).read_bytes()).digest())
    return h.hexdigest()


def categories_of(name: str, data_dir: Path) -> list[str]:
    """Categories a source carries labels for (from its first rows)."""
    seen: set[str] = set()
    for i, (_, labels) in enumerate(SOURCES[name].rows(Path(data_dir))):
        seen.update(labels)
        if i > 200:
            break
    return [c for c in CATEGORIES if c in seen]


# The human span annotations toxic_span_gold reads (training tunes the evidence threshold on them).
SPAN_GOLD_FILES = tuple(
    f"toxic-spans-civil-comments/raw/{name}"
    for name in ("annotations.csv", "spans.csv", "comments.csv")
)


def files_read(names: Collection[str]) -> list[str]:
    """Every file training on the named sources reads, relative to the data dir."""
    out = [rel for name in names for rel in SOURCES[name].files]
    if "toxic-spans-civil-comments" in names:
        out += SPAN_GOLD_FILES
    return out


def toxic_span_gold(data_dir: Path) -> dict[str, list[tuple[str, set[int]]]]:
    """Per split, (comment text, gold toxic character offsets) as in SemEval-2021 Task 5.

    A character is toxic when more than half of the post's raters put it in a span of any
    type. Splits follow `split_of` (seed 0) so they agree with the training split.
    """
    annotations, spans, comments = (Path(data_dir) / rel for rel in SPAN_GOLD_FILES)
    ann_comment: dict[str, str] = {}
    raters: dict[str, int] = {}
    for r in _read(annotations):
        ann_comment[r["annotation"]] = r["comment_id"]
        raters[r["comment_id"]] = raters.get(r["comment_id"], 0) + 1
    marks: dict[str, dict[str, set[int]]] = {}
    for r in _read(spans):
        cid = ann_comment.get(r["annotation"])
        if cid is None or not r["start"] or not r["end"]:
            continue
        chars = marks.setdefault(cid, {}).setdefault(r["annotation"], set())
        chars.update(range(int(r["start"]), int(r["end"])))
    out: dict[str, list[tuple[str, set[int]]]] = {s: [] for s in SPLITS}
    for r in _read(comments):
        cid, text = r["comment_id"], r["comment_text"]
        counts: dict[int, int] = {}
        for chars in marks.get(cid, {}).values():
            for c in chars:
                counts[c] = counts.get(c, 0) + 1
        half = raters.get(cid, 1) / 2
        gold = {c for c, n in counts.items() if n > half and c < len(text)}
        out[split_of(text)].append((text, gold))
    return out
