"""The review report: MQM quality score, edit effort (sacreBLEU), every fix and the open findings; as data,
JSON, CSV and an SVG chart."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain

from markupsafe import Markup, escape
from sacrebleu.metrics import BLEU, CHRF, TER
from sqlalchemy.orm import Session

from app.model import Severity, plain_text
from app.services.findings import document_findings
from app.services.projects import document_stats
from app.services.statuses import status_counts
from app.sheets import csv_bytes
from app.storage import queries
from app.storage.models import Document
from app.textdiff import word_diff

REPORT_COLUMNS = ("kind", "row", "author", "time", "category", "severity", "reason", "before", "after", "message")


@dataclass
class Score:
    penalty: float
    source_chars: int
    per_thousand: float
    threshold: float
    passed: bool  # the score alone is within the threshold; the document passes by its Verdict
    errors: Counter = field(default_factory=Counter)  # (category, severity) -> count
    weights: dict = field(default_factory=dict)


def quality_score(session: Session, document_id: int, weights: dict[str, float], threshold: float) -> Score:
    """MQM-style: penalty points of the annotated fixes per 1,000 source characters, against a threshold.

    Each revision that carries an error category counts once, with its severity's weight (no severity: minor).
    Reverted fixes still count: the error was found.
    """
    zh_chars = sum(len("".join(plain_text(text).split())) for text in queries.segment_texts(session, document_id, "zh"))
    errors: Counter = Counter()
    penalty = 0.0
    for rev in queries.document_revisions(session, document_id):
        if not rev.category or rev.origin == "revert":
            continue
        severity = rev.severity or "minor"
        errors[(rev.category, severity)] += 1
        penalty += weights.get(severity, 0.0)
    per_thousand = 1000 * penalty / zh_chars if zh_chars else 0.0
    return Score(penalty, zh_chars, round(per_thousand, 2), threshold, per_thousand <= threshold, errors, weights)


# An open finding this severe fails the document whatever its score (the one pass rule: see verdict()).
BLOCKING_SEVERITIES = (Severity.CRITICAL, Severity.MAJOR)
SEVERITY_ICONS = {"critical": "◆", "major": "▲", "minor": "●", "info": "ℹ"}  # shown with the word, never alone


@dataclass
class Verdict:
    """PASS or FAIL for a document: the recorded-error score under its threshold and no open major or
    critical finding. ``open`` counts the open findings per severity (most severe first)."""

    passed: bool
    score: Score
    open: dict[str, int]
    reasons: list[str]  # why it fails ("65 major findings open", "score 12.5 over the threshold 10")

    @property
    def label(self) -> str:
        return "PASS" if self.passed else "FAIL"

    @property
    def counts(self) -> list[tuple[str, str, int]]:
        """(severity, icon, open count) for critical, major and minor, and info when there are any."""
        return [(s, SEVERITY_ICONS[s], n) for s, n in self.open.items() if n or s != Severity.INFO]


def verdict(score: Score, findings) -> Verdict:
    """The one pass rule: PASS only when the score is within its threshold and no open finding is major or
    critical."""
    open_counts = dict.fromkeys(Severity.ordered(), 0)
    for f in findings:
        open_counts[str(f.severity)] += 1
    reasons = [f"{open_counts[s]} {s} finding{'s' if open_counts[s] != 1 else ''} open"
               for s in BLOCKING_SEVERITIES if open_counts[s]]
    if not score.passed:
        reasons.append(f"score {score.per_thousand} over the threshold {score.threshold}")
    return Verdict(not reasons, score, open_counts, reasons)


def document_verdict(session: Session, document_id: int, weights: dict[str, float], threshold: float) -> Verdict:
    """The verdict of a document now: its recorded-error score and its open findings."""
    return verdict(quality_score(session, document_id, weights, threshold),
                   document_findings(session, document_id).findings)


@dataclass
class Effort:
    chrf: float
    ter: float
    bleu: float
    seconds: float
    changed: bool


def _metrics(original: str, corrected: str) -> tuple[float, float, float]:
    if original == corrected:
        return 100.0, 0.0, 100.0
    chrf = CHRF().sentence_score(corrected, [original]).score
    ter = TER().sentence_score(corrected, [original]).score
    bleu = BLEU(effective_order=True).sentence_score(corrected, [original]).score
    return round(chrf, 2), round(ter, 2), round(bleu, 2)


def edit_effort(session: Session, document_id: int) -> tuple[dict[int, Effort], Effort]:
    """chrF, TER and BLEU (sacreBLEU) between the imported and the corrected English, per link and for the
    document (corpus-level over links), plus the editing time recorded with the revisions."""
    seconds: dict[int, float] = defaultdict(float)
    for rev in queries.document_revisions(session, document_id):
        seconds[rev.segment_id] += rev.seconds or 0.0
    per_link: dict[int, Effort] = {}
    originals, corrected = [], []
    total_seconds = 0.0
    for link in queries.document_links(session, document_id):
        en = sorted((m.segment for m in link.members if m.segment.side == "en"), key=lambda s: s.position)
        if not en:
            continue
        before = "\n".join(plain_text(s.original) for s in en)  # metrics see the text without inline codes
        after = "\n".join(plain_text(s.text) for s in en)
        spent = sum(seconds[s.id] for s in en)
        total_seconds += spent
        per_link[link.id] = Effort(*_metrics(before, after), spent, before != after)
        originals.append(before)
        corrected.append(after)
    if not originals:
        return per_link, Effort(100.0, 0.0, 100.0, 0.0, False)
    if originals == corrected:
        return per_link, Effort(100.0, 0.0, 100.0, total_seconds, False)
    doc = Effort(round(CHRF().corpus_score(corrected, [originals]).score, 2),
                 round(TER().corpus_score(corrected, [originals]).score, 2),
                 round(BLEU().corpus_score(corrected, [originals]).score, 2), total_seconds, True)
    return per_link, doc


EFFORT_SIGNATURE = "chrF2|TER|BLEU(sacrebleu defaults); ref=imported English, hyp=corrected English"


def report_data(session: Session, doc: Document, weights: dict[str, float], threshold: float) -> dict:
    """Everything the report shows: the score, the effort, every fix with its diff, the open findings."""
    score = quality_score(session, doc.id, weights, threshold)
    per_link, effort = edit_effort(session, doc.id)
    revisions = queries.document_revisions(session, doc.id)
    row_of = queries.english_row_numbers(session, doc.id)
    by_category: dict[str, int] = {}
    for (category, _severity), n in score.errors.items():
        by_category[category] = by_category.get(category, 0) + n
    open_findings = document_findings(session, doc.id).findings
    result = verdict(score, open_findings)
    fixes = [dict(row=row_of.get(r.segment_id), version=r.version, author=r.author.username if r.author else "",
                  time=r.created_at, category=r.category, severity=r.severity, reason=r.reason, origin=r.origin,
                  before=r.before, after=r.after, seconds=r.seconds, diff=word_diff(r.before, r.after))
             for r in revisions]
    return dict(doc=doc, score=score, verdict=result, effort=effort, per_link=per_link, fixes=fixes,
                by_category=by_category,
                findings=open_findings, statuses=status_counts(session, doc.id),
                stats=document_stats(session, doc.id), signature=EFFORT_SIGNATURE,
                links=queries.document_links(session, doc.id))


def report_json(data: dict) -> dict:
    """The report as JSON-ready data."""
    score, effort = data["score"], data["effort"]
    return {
        "document": {"id": data["doc"].id, "title": data["doc"].title, "project": data["doc"].project.name},
        "statuses": data["statuses"],
        "verdict": {"passed": data["verdict"].passed, "result": data["verdict"].label,
                    "open_findings": data["verdict"].open, "reasons": data["verdict"].reasons},
        "score": {"penalty": score.penalty, "source_chars": score.source_chars,
                  "per_1000_chars": score.per_thousand, "threshold": score.threshold,
                  "within_threshold": score.passed,
                  "weights": score.weights,
                  "errors": [{"category": c, "severity": s, "count": n} for (c, s), n in sorted(score.errors.items())]},
        "effort": {"chrf": effort.chrf, "ter": effort.ter, "bleu": effort.bleu, "seconds": effort.seconds,
                   "signature": data["signature"]},
        "fixes": [{k: (v.isoformat() if k == "time" else v) for k, v in f.items() if k != "diff"}
                  for f in data["fixes"]],
        "open_findings": [f.as_dict() for f in data["findings"]],
    }


def report_csv(data: dict) -> bytes:
    """The fixes and the open findings as one CSV table."""
    fixes = (["fix", f["row"], f["author"], f["time"].isoformat(timespec="seconds"), f["category"] or "",
              f["severity"] or "", f["reason"], f["before"], f["after"], ""] for f in data["fixes"])
    found = (["open finding", f.row or "", "", "", f.check, str(f.severity), "", f.zh_text, f.en_text, f.message]
             for f in data["findings"])
    result = data["verdict"]
    summary = [["verdict", "", "", "", "", "", "", "", "", f"{result.label}"
                + (": " + "; ".join(result.reasons) if result.reasons else "")
                + " (open: " + ", ".join(f"{n} {s}" for s, n in result.open.items()) + ")"]]
    return csv_bytes(REPORT_COLUMNS, chain(fixes, found, summary))


def bar_chart(counts: dict, width: int = 420) -> str:
    """A small horizontal bar chart as inline SVG, drawn on the server."""
    if not counts:
        return Markup("")
    top = max(counts.values()) or 1
    bar_h, gap, label_w = 18, 6, 190
    height = len(counts) * (bar_h + gap)
    parts = [f'<svg class="chart" role="img" aria-label="fixes by category" width="{width + label_w + 40}" '
             f'height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i, (name, n) in enumerate(sorted(counts.items(), key=lambda kv: -kv[1])):
        y = i * (bar_h + gap)
        w = max(2, int(width * n / top))
        parts.append(f'<text x="0" y="{y + 13}" font-size="12">{escape(name)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#4a6fd1"/>'
                     f'<text x="{label_w + w + 4}" y="{y + 13}" font-size="12">{n}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
