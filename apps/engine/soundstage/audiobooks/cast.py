"""Who says each line: speaker attribution for a cast of voices.

The local attributor reads what novels put beside their quotes, in order of
how much it can be trusted:

1. a speech verb and a name or pronoun next to the quote: "said Alice",
   "Alice said", "she asked", "cried the Queen" (after the quote, or before it
   ending in a comma or colon);
2. the same speaker for every quote of one paragraph (a paragraph is one
   speaker in English typesetting);
3. a character named as the subject of the paragraph's narration ("Lloyd
   looked up. ...");
4. turn-taking: an unmarked quote in a run of two speakers goes to the one who
   did not speak last.

A pronoun is resolved to the last named character of that gender (gender from
titles and common first names, else learned from the pronouns that follow
the name in the book). Each quote gets a confidence; below
``MIN_CONFIDENCE`` its speaker is left out and the line goes to the default
dialogue voice.

An LLM attributor can replace this when an LLM provider is configured: see
:func:`llm_attributor`, the seam for ``providers/llm/``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

MIN_CONFIDENCE = 0.5

SPEECH_VERBS = (
    "said|says|say|asked|asks|ask|cried|cries|replied|replies|answered|answers|"
    "exclaimed|exclaims|called|calls|shouted|shouts|whispered|whispers|added|adds|"
    "continued|continues|went on|began|begins|repeated|repeats|murmured|murmurs|"
    "returned|returns|remarked|remarks|observed|observes|insisted|insists|"
    "declared|declares|explained|explains|answered|demanded|demands|urged|urges|"
    "pleaded|begged|begs|laughed|laughs|sobbed|sighed|sighs|groaned|screamed|"
    "shrieked|muttered|mutters|stammered|protested|interrupted|suggested|"
    "thought|wondered|inquired|enquired|persisted|retorted|responded|agreed|"
    "admitted|announced|ventured|gasped|called out|cried out|whimpered|faltered|"
    "corrected|echoed|confessed|chuckled|giggled|drawled|snapped|growled|wailed|"
    "ordered|commanded|called back|spoke up|put in|broke in|hazarded|panted|complained|"
    "promised|grumbled|bawled|yelled|told|warned|teased|scolded|joined in"
)
_VERB = rf"(?:{SPEECH_VERBS})"
# A name: capitalised words, with a title or "the" before them ("Mrs. Walton",
# "the Colonel", "Aunt Allison", "the March Hare").
_TITLE = r"(?:Mr|Mrs|Miss|Ms|Dr|Mister|Missus|Miz|Doctor|Aunt|Uncle|Cousin|Lady|Lord|Sir|Madam|Madame|Mademoiselle|Monsieur|Captain|Colonel|General|Major|Grandma|Grandpa|King|Queen|Duchess|Duke|Father|Mother|Mom|Papa|Mamma|Mammy)\.?"  # noqa: E501
_CAP = r"[A-Z][a-z'\u2019]+(?:-[A-Z]?[a-z]+)?"
_KIN = (
    r"(?:father|mother|brother|sister|aunt|uncle|grandmother|grandfather|husband|wife|"
    r"son|daughter)"
)
_ROLE = (
    r"(?:maid|nurse|governess|woman|girl|lady|boy|man|gentleman|stranger|servant|"
    r"waiter|steward|landlady|landlord|soldier|officer|child)"
)
_NAME = (
    rf"(?:(?:[Hh]er|[Hh]is|[Tt]heir|[Tt]he) {_KIN}\b|(?:the |The ){_ROLE}\b"
    rf"|(?:the |The )?(?:{_TITLE} )?{_CAP}(?: {_CAP}){{0,2}}|(?:the |The ){_TITLE})"
)
_ROLE_OR_KIN = re.compile(rf"(?:[Hh]er|[Hh]is|[Tt]heir|[Tt]he) (?:{_KIN}|{_ROLE})$")
_PRONOUN = r"(?:he|she|He|She|I|we|We|they|They)"
_WHO = rf"(?P<who>{_NAME}|{_PRONOUN})"

# after the quote: ', said Alice.' / ' Alice said.' / ' she asked, ...'
_AFTER_VERB_WHO = re.compile(rf"^[\s,]*(?:{_VERB})(?: \w+ly)?,? {_WHO}\b")
_AFTER_WHO_VERB = re.compile(rf"^[\s,]*{_WHO}(?:,? \w+ly)?,? (?:{_VERB})\b")
# before the quote: 'Alice said, ' / 'Then she asked: ' / 'said the Hatter: '
_BEFORE_WHO_VERB = re.compile(
    rf"{_WHO}(?: \w+ly)? (?:{_VERB})(?: \w+ly)?(?: [a-z]+){{0,4}}[,:]\s*$"
)
_BEFORE_VERB_WHO = re.compile(rf"(?:{_VERB}) {_WHO}(?: [a-z]+){{0,4}}[,:]\s*$")
# a paragraph's subject: 'Lloyd looked up.' at the start of its narration
_SUBJECT = re.compile(
    rf"^\s*(?:(?:But|Then|And|So|Now|Here|Presently|At last|At once),? )?{_WHO} [a-z]+"
)

_FEMALE_TITLES = {"mrs", "missus", "miz", "miss", "ms", "aunt", "lady", "madam", "madame",
                  "mademoiselle",
                  "grandma", "queen", "duchess", "mother", "mom", "mamma", "mammy"}  # fmt: skip
_MALE_TITLES = {"mr", "mister", "uncle", "lord", "sir", "monsieur", "captain", "colonel", "general",
                "major", "grandpa", "king", "duke", "father", "papa"}  # fmt: skip
_FEMALE_KIN = {"mother", "sister", "aunt", "grandmother", "wife", "daughter", "maid", "nurse",
               "governess", "woman", "girl", "lady", "landlady"}  # fmt: skip
_MALE_KIN = {"father", "brother", "uncle", "grandfather", "husband", "son", "boy", "man",
             "gentleman", "waiter", "steward", "landlord", "soldier"}  # fmt: skip
_FEMALE_NAMES = set(
    "alice mary anne ann betty eugenia elizabeth jane emma margaret sarah "
    "kate katie joyce ida allison amanda rose lucy ellen edith grace helen"
    .split()
)  # fmt: skip
_MALE_NAMES = set(
    "john tom james william george henry charles robert rob keith malcolm jack "
    "harry edward frank walter bill dick peter paul hero"
    .split()
)  # fmt: skip
_NOT_NAMES = {"the", "then", "but", "and", "so", "now", "when", "yes", "no", "oh", "well",
              "there", "here", "it", "this", "that", "what", "why", "how", "if", "as",
              "at", "in", "on", "for", "after", "before", "presently", "once", "still",
              "just", "again", "all", "by", "with", "while", "only"}  # fmt: skip


@dataclass
class Quote:
    index: int
    text: str
    paragraph: int
    speaker: str | None = None
    confidence: float = 0.0
    how: str = ""


@dataclass
class Character:
    name: str
    gender: str | None
    lines: int = 0
    characters: int = 0
    samples: list[str] = field(default_factory=list)


@dataclass
class Attribution:
    quotes: list[Quote]
    characters: dict[str, Character]


def _canonical(who: str) -> str:
    who = who.strip()
    first, _, rest = who.partition(" ")
    if first.lower() in ("her", "his", "their") and rest:
        return "the " + rest  # "her father": one character, whoever's father he is
    if who.lower().startswith("the "):
        who = "the " + who[4:]
    return who.replace("Mrs ", "Mrs. ").replace("Mr ", "Mr. ")


def _gender_of(name: str, learned: dict[str, Counter[str]]) -> str | None:
    words = [w.strip(".").lower() for w in name.split() if w.lower() != "the"]
    # what the book says of this character outweighs what the name suggests
    # ("the Little Colonel" is a girl)
    counts = learned.get(name.split()[-1]) if name.split() else None
    if counts:
        (g, n), *rest = counts.most_common()
        if n >= 3 and (not rest or n >= 3 * rest[0][1]):
            return g
    if any(w in _FEMALE_TITLES for w in words) or (
        words and (words[-1] in _FEMALE_NAMES or words[-1] in _FEMALE_KIN)
    ):
        return "female"
    if any(w in _MALE_TITLES for w in words) or (
        words and (words[-1] in _MALE_NAMES or words[-1] in _MALE_KIN)
    ):
        return "male"
    if counts:
        (g, n), *rest = counts.most_common()
        if not rest or n > 2 * rest[0][1]:
            return g
    return None


_QUOTE_PAIRS = {"\u201c": "\u201d", '"': '"'}


def pieces(text: str) -> list[tuple[str, bool, int]]:
    """``text`` as (piece, is_quote, paragraph) in order; the pieces join back
    to exactly ``text`` (paragraph breaks ride on the piece before them). Unlike
    :func:`split_dialogue`, two quotes are never merged: the next paragraph's
    quote is another speaker's line."""
    out: list[tuple[str, bool, int]] = []
    paragraph = 0
    for part in re.split(r"(\n\s*\n)", text):
        if not part:
            continue
        if re.fullmatch(r"\n\s*\n", part):
            if out:
                out[-1] = (out[-1][0] + part, out[-1][1], out[-1][2])
            else:
                out.append((part, False, paragraph))
            paragraph += 1
            continue
        buf: list[str] = []
        closing: str | None = None
        for ch in part:
            if closing is None and ch in _QUOTE_PAIRS:
                if buf:
                    out.append(("".join(buf), False, paragraph))
                buf = [ch]
                closing = _QUOTE_PAIRS[ch]
            elif closing is not None and ch == closing:
                buf.append(ch)
                out.append(("".join(buf), True, paragraph))
                buf, closing = [], None
            else:
                buf.append(ch)
        if buf:
            out.append(("".join(buf), closing is not None, paragraph))
    return out


def _learn_genders(text: str) -> dict[str, Counter[str]]:
    """For each capitalised word, the first subject pronoun after it in the
    same sentence of narration ("Lloyd looked puzzled as she opened it")."""
    learned: dict[str, Counter[str]] = {}
    for m in re.finditer(rf"\b({_CAP})(?:'s)?\b([^\"\u201c\u201d.!?]{{0,100}})", text):
        name = m.group(1).removesuffix("'s")
        if name.lower() in _NOT_NAMES:
            continue
        # subject pronouns only: "begged Howell, holding her skirts" is not about Howell
        p = re.search(r"\b(he|she)\b", m.group(2))
        if p is None:
            continue
        g = "female" if p.group(1) == "she" else "male"
        learned.setdefault(name, Counter())[g] += 1
    return learned


def _valid_name(who: str) -> bool:
    first = who.split()[0].lower()
    return first not in _NOT_NAMES or who.lower().startswith("the ") or first in ("her", "his")


def _tagged_names(parts: list[tuple[str, bool, int]]) -> set[str]:
    """Pass one: the names that a speech tag gives anywhere in the text (the
    chapter's speaking characters), so a mention of one in narration before
    it first speaks still counts for the pronouns after it."""
    names: set[str] = set()
    for piece, is_quote, _ in parts:
        if is_quote:
            continue
        for m in (
            _AFTER_VERB_WHO.match(piece),
            _AFTER_WHO_VERB.match(piece),
            _BEFORE_WHO_VERB.search(piece),
            _BEFORE_VERB_WHO.search(piece),
        ):
            if m and m.group("who") not in _PRONOUNS and _valid_name(m.group("who")):
                names.add(_canonical(m.group("who")))
    return names


_PRONOUNS = {"he", "He", "she", "She", "I", "we", "We", "they", "They"}


def attribute(text: str) -> Attribution:
    """The speaker of every quote in ``text`` (a chapter, or a book)."""
    learned = _learn_genders(text)
    parts = pieces(text)
    speakers = _tagged_names(parts)
    quotes: list[Quote] = []
    known: dict[str, str | None] = {}  # name -> gender
    last_of: dict[str, str] = {}  # gender -> last named character of it
    by_paragraph: dict[int, list[Quote]] = {}

    def note(name: str) -> str:
        name = _canonical(name)
        if name not in known:
            known[name] = _gender_of(name, learned)
        g = known[name]
        if g:
            last_of[g] = name
        return name

    def resolve(who: str) -> tuple[str | None, float]:
        if who in ("he", "He"):
            return last_of.get("male"), 0.75
        if who in ("she", "She"):
            return last_of.get("female"), 0.75
        if who in ("I", "we", "We", "they", "They"):
            return None, 0.0
        if not _valid_name(who):
            return None, 0.0
        return note(who), 0.95

    for i, (piece, is_quote, paragraph) in enumerate(parts):
        if not is_quote:
            # names in narration update "the last named character" as we go
            for m in re.finditer(_NAME, piece):
                mention = _canonical(m.group(0).removesuffix("'s"))
                if _valid_name(m.group(0)) and (
                    mention in known or mention in speakers or _ROLE_OR_KIN.match(m.group(0))
                ):
                    note(mention)
            continue
        q = Quote(len(quotes), piece, paragraph)
        quotes.append(q)
        by_paragraph.setdefault(paragraph, []).append(q)
        after = parts[i + 1][0] if i + 1 < len(parts) and not parts[i + 1][1] else ""
        same_par_after = i + 1 < len(parts) and parts[i + 1][2] == paragraph
        before = parts[i - 1][0] if i > 0 and not parts[i - 1][1] else ""
        same_par_before = i > 0 and parts[i - 1][2] == paragraph
        found: tuple[str | None, float, str] | None = None
        if same_par_after:
            tag = _AFTER_VERB_WHO.match(after) or _AFTER_WHO_VERB.match(after)
            if tag:
                who, conf = resolve(tag.group("who"))
                if who:
                    found = (who, conf, "tag after")
        if found is None and same_par_before:
            tag = _BEFORE_WHO_VERB.search(before) or _BEFORE_VERB_WHO.search(before)
            if tag:
                who, conf = resolve(tag.group("who"))
                if who:
                    found = (who, conf, "tag before")
        if found is not None:
            q.speaker, q.confidence, q.how = found

    # 2. one speaker per paragraph
    for qs in by_paragraph.values():
        tagged = [q for q in qs if q.speaker]
        if tagged:
            best = max(tagged, key=lambda q: q.confidence)
            for q in qs:
                if not q.speaker:
                    q.speaker, q.confidence = best.speaker, best.confidence - 0.1
                    q.how = "paragraph"

    # 3. the subject of the paragraph's narration
    narration: dict[int, str] = {}
    for piece, is_quote, paragraph in parts:
        if not is_quote and paragraph not in narration:
            narration[paragraph] = piece
    for paragraph, qs in by_paragraph.items():
        name: str | None
        if qs[0].speaker:
            continue
        subject = _SUBJECT.match(narration.get(paragraph, ""))
        if subject and subject.group("who") not in ("I", "we", "We", "they", "They"):
            who = subject.group("who")
            name = None
            if who in ("he", "He", "she", "She"):
                continue
            if _valid_name(who) and _canonical(who) in known:
                name = _canonical(who)
            if name:
                for q in qs:
                    q.speaker, q.confidence, q.how = name, 0.6, "subject"

    # 3b. a paragraph that is only a quote, after a paragraph of narration
    # only: the character that narration ended on ("But the maid interfered.")
    quote_pars = set(by_paragraph)
    for paragraph, qs in by_paragraph.items():
        if qs[0].speaker or paragraph - 1 in quote_pars or paragraph - 1 not in narration:
            continue
        if narration.get(paragraph):
            continue  # it has narration of its own, and no tag or subject in it
        mentioned = [
            _canonical(m.group(0))
            for m in re.finditer(_NAME, narration[paragraph - 1])
            if _valid_name(m.group(0)) and _canonical(m.group(0)) in known
        ]
        if mentioned:
            for q in qs:
                q.speaker, q.confidence, q.how = mentioned[-1], 0.55, "previous narration"

    # 4. turn-taking between two speakers, over paragraphs that are only a quote
    order = sorted(by_paragraph)
    previous: list[str | None] = []
    last_par = -2
    for paragraph in order:
        qs = by_paragraph[paragraph]
        if paragraph != last_par + 1:
            previous = []  # narration between: the exchange was interrupted
        last_par = paragraph
        if not qs[0].speaker and len(previous) >= 2:
            a, b = previous[-1], previous[-2]
            if a and b and a != b:
                for q in qs:
                    q.speaker, q.confidence, q.how = b, 0.55, "turn"
        previous.append(qs[0].speaker)

    characters: dict[str, Character] = {}
    for q in quotes:
        if q.speaker is None or q.confidence < MIN_CONFIDENCE:
            q.speaker = None
            continue
        c = characters.setdefault(q.speaker, Character(q.speaker, known.get(q.speaker)))
        c.lines += 1
        c.characters += len(q.text)
        if len(c.samples) < 3 and len(q.text) > 12:
            c.samples.append(q.text.strip())
    return Attribution(quotes, characters)


Attributor = Callable[[str], Attribution]


def llm_attributor() -> Attributor | None:
    """The seam for an LLM attributor through ``providers/llm/`` (being added
    on another branch): when an LLM provider is configured, it would be asked
    for each quote's speaker with the chapter as context, with the local
    attribution as a hint and its answer's confidence kept per quote. Until
    that package lands on main, there is none and the local attributor runs."""
    return None


def voices_for(
    attribution: Attribution,
    voices: Sequence[tuple[str, str | None]],
    *,
    narrator: str,
    dialogue: str,
    overrides: dict[str, str],
) -> dict[str, str]:
    """A voice per character: the user's choice, else a voice of the
    character's gender not yet taken (the narrator's and the default dialogue
    voice last), round-robin when there are more characters than voices.
    ``voices`` is (voice id, gender)."""
    chosen: dict[str, str] = {}
    ranked = sorted(attribution.characters.values(), key=lambda c: -c.lines)
    used: Counter[str] = Counter({narrator: 1, dialogue: 1})
    for c in ranked:
        if c.name in overrides:
            chosen[c.name] = overrides[c.name]
            used[overrides[c.name]] += 1
            continue
        fits = [v for v, g in voices if c.gender is None or g is None or g == c.gender] or [
            v for v, _ in voices
        ]
        if not fits:
            chosen[c.name] = dialogue
            continue
        pick = min(fits, key=lambda v: (used[v], v == narrator))
        chosen[c.name] = pick
        used[pick] += 1
    return chosen


def merge_characters(attributions: Sequence[Attribution]) -> Attribution:
    """The characters of several chapters as one cast (a character keeps one
    voice across the book)."""
    merged: dict[str, Character] = {}
    for a in attributions:
        for c in a.characters.values():
            m = merged.setdefault(c.name, Character(c.name, c.gender))
            m.gender = m.gender or c.gender
            m.lines += c.lines
            m.characters += c.characters
            m.samples += c.samples[: max(0, 3 - len(m.samples))]
    return Attribution([q for a in attributions for q in a.quotes], merged)


def voiced_pieces(
    text: str,
    attribution: Attribution,
    *,
    narrator: str,
    dialogue: str,
    cast: dict[str, str],
) -> list[tuple[str, str]]:
    """``text`` (the same text ``attribution`` was made from) as (piece, voice):
    narration to the narrator, each quote to its speaker's voice or, when its
    speaker is unknown, to the default dialogue voice. Neighbours with one voice
    are joined, and a piece with no letters rides with the one before it, so a
    voice never changes just to read a comma."""
    quotes = iter(attribution.quotes)
    out: list[tuple[str, str]] = []
    for piece, is_quote, _ in pieces(text):
        if is_quote:
            q = next(quotes)
            voice = cast.get(q.speaker, dialogue) if q.speaker else dialogue
        else:
            voice = narrator
        if out and (out[-1][1] == voice or not any(ch.isalnum() for ch in piece)):
            out[-1] = (out[-1][0] + piece, out[-1][1])
        else:
            out.append((piece, voice))
    return out


@dataclass
class Casting:
    """A book's cast: each character's voice, and each chapter's text as
    voiced pieces ready for planning."""

    characters: list[Character]
    voices: dict[str, str]
    voiced: dict[int, list[tuple[str, str]]]


def cast_book(
    bodies: dict[int, str],
    voices: Sequence[tuple[str, str | None]],
    *,
    narrator: str,
    dialogue: str,
    overrides: dict[str, str],
    chapter_narrators: dict[int, str] | None = None,
    attributor: Attributor | None = None,
) -> Casting:
    """Attribute every chapter's quotes (``bodies``: chapter number to its
    normalised text), give each character a voice, and cut each chapter into
    voiced pieces. The LLM attributor is used when one is configured."""
    attribute_one = attributor or llm_attributor() or attribute
    attributions = {n: attribute_one(text) for n, text in bodies.items()}
    merged = merge_characters(list(attributions.values()))
    chosen = voices_for(merged, voices, narrator=narrator, dialogue=dialogue, overrides=overrides)
    narrators = chapter_narrators or {}
    voiced = {
        n: voiced_pieces(
            bodies[n],
            attributions[n],
            narrator=narrators.get(n, narrator),
            dialogue=dialogue,
            cast=chosen,
        )
        for n in bodies
    }
    ranked = sorted(merged.characters.values(), key=lambda c: (-c.lines, c.name))
    return Casting(ranked, chosen, voiced)
