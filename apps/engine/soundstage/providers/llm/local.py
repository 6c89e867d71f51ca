"""``local-template``: a script without any model, from templates.

Used when no LLM is configured, so a fresh install still makes a real video. It
is honest about being a template (the job's report names it): the story follows
a fixed arc per story type (hook, setup, first sign, rising stakes, turn,
climax, resolution) stretched over the requested number of scenes, with the
topic, the characters and the story type's own world (places, sounds, objects)
filled in, sentences chosen deterministically from the topic so a retry writes
the same script, and the word count sized to the requested duration.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass

from soundstage.providers.llm.base import Script, ScriptRequest, ScriptScene


@dataclass(frozen=True)
class World:
    hero: str  # who the story follows when the request names no character
    place: tuple[str, ...]
    thing: tuple[str, ...]
    sound: tuple[str, ...]
    feeling: tuple[str, ...]
    time: tuple[str, ...]
    visual: str  # how its pictures look, for image prompts


WORLDS: dict[str, World] = {
    "scary_horror": World(
        "the keeper",
        ("the old lighthouse", "the flooded cellar", "the empty hallway", "the fog-bound shore"),
        ("a rusted key", "a cracked mirror", "a child's drawing", "a lantern"),
        (
            "a slow knocking",
            "a whisper under the floor",
            "footsteps that stopped too late",
            "the hum of a dead radio",
        ),
        ("dread", "cold fear", "a sick certainty", "the urge to run"),
        ("just after midnight", "in the last grey light", "at three in the morning"),
        "dark, desaturated, deep shadows, cold moonlight, fog",
    ),
    "mystery": World(
        "the detective",
        ("the locked study", "the rain-soaked station", "the quiet library", "the harbour office"),
        ("a torn letter", "a missing page", "a muddy footprint", "a stopped pocket watch"),
        (
            "the tick of a clock",
            "rain on the window",
            "a door closing upstairs",
            "a telephone that rang once",
        ),
        ("suspicion", "curiosity", "a nagging doubt", "quiet certainty"),
        ("on a wet Tuesday evening", "before dawn", "an hour after the party ended"),
        "moody blue light, film noir shadows, rain, lamplight",
    ),
    "bedtime": World(
        "a little fox named Pip",
        (
            "the moonlit meadow",
            "the cosy burrow",
            "the whispering wood",
            "the hill under the stars",
        ),
        ("a soft blanket", "a glowing acorn", "a silver feather", "a tiny lantern"),
        ("crickets singing", "the wind in the leaves", "a sleepy owl", "a gentle stream"),
        ("calm", "warm comfort", "sleepy happiness", "gentle wonder"),
        ("as the stars came out", "at bedtime", "when the moon rose"),
        "soft pastel night colours, warm glow, stars, gentle shapes",
    ),
    "documentary": World(
        "researchers",
        ("the field station", "the open plains", "the archive", "the coastline"),
        ("a weathered map", "a core sample", "an old photograph", "a field notebook"),
        (
            "the wind across the plains",
            "the murmur of the crowd",
            "waves on the rocks",
            "the click of instruments",
        ),
        ("curiosity", "respect", "wonder", "a sense of scale"),
        ("over many years", "in the spring of that year", "by the end of the decade"),
        "natural light, realistic, wide establishing shots, earthy colours",
    ),
    "motivational": World(
        "you",
        ("the starting line", "the empty gym at dawn", "the long road", "the summit"),
        ("a worn pair of shoes", "a written goal", "an alarm at five", "a first step"),
        (
            "your own heartbeat",
            "the crowd far away",
            "the sound of your breath",
            "the quiet before the start",
        ),
        ("resolve", "hunger", "pride", "quiet confidence"),
        ("every single morning", "when no one is watching", "today"),
        "golden sunrise, bold warm colours, strong silhouettes, upward angles",
    ),
    "sci_fi": World(
        "the pilot",
        ("the orbital station", "the derelict ship", "the red desert colony", "the control deck"),
        ("a flickering signal", "a sealed data core", "a cracked visor", "a star map"),
        (
            "a distant signal",
            "the hiss of an airlock",
            "alarms far down the corridor",
            "the hum of the reactor",
        ),
        ("awe", "unease", "cold focus", "wonder"),
        ("in the third cycle", "as the ship crossed the dark side", "at the edge of the system"),
        "neon cyan and magenta, vast space, glowing instruments, stars",
    ),
    "fairy_tale": World(
        "a young weaver",
        ("the enchanted forest", "the castle tower", "the village square", "the crystal lake"),
        ("a golden thread", "a magic mirror", "a silver key", "a rose that never wilts"),
        ("bells in the distance", "a bird that spoke", "laughter in the trees", "a gentle spell"),
        ("hope", "courage", "wonder", "kindness"),
        ("once upon a time", "on the longest night of the year", "at the first light of spring"),
        "storybook illustration, warm golds and pinks, soft magical light",
    ),
}

HOOKS = {
    "low": "This is the story of {topic}.",
    "medium": "What really happened with {topic}? The answer is stranger than you think.",
    "high": "Nobody was supposed to find out about {topic}. But someone did.",
    "extreme": "Stop. What you are about to hear about {topic} is true, and it is not over.",
}
if_motivational_hooks = {
    "low": "Let me tell you about {topic}.",
    "medium": "What would change if you took {topic} seriously?",
    "high": "Right now, {topic} is the one thing standing between you and the life you want.",
    "extreme": "Listen. If you ignore {topic}, you will regret it for the rest of your life.",
}

BEATS = ("hook", "setup", "sign", "rising", "turn", "climax", "resolution")
TITLES = {
    "hook": ("The Beginning", "It Started Here", "Before Anyone Knew"),
    "setup": ("The Place", "How It Was", "An Ordinary Day"),
    "sign": ("The First Sign", "Something Changed", "A Small Detail"),
    "rising": ("Deeper", "No Turning Back", "The Pressure Builds", "Closer"),
    "turn": ("The Turn", "What Was Hidden", "Everything Changed"),
    "climax": ("The Moment", "Face to Face", "All or Nothing"),
    "resolution": ("Afterwards", "What Remains", "The End of It"),
}
LINES = {
    "hook": (
        "It began {time}, in {place}.",
        "{Hero} had no idea that {topic} would change everything.",
        "Everyone thought they understood {topic}. They were wrong.",
    ),
    "setup": (
        "{Hero} knew {place} well, every corner of it.",
        "Life there was simple, and {hero} liked it that way.",
        "There was {thing} on the table, just where it had always been.",
        "{Feeling} was the last thing {hero} expected to feel that day.",
    ),
    "sign": (
        "Then came {sound}.",
        "{Hero} noticed {thing} where it should not have been.",
        "It was a small thing, easy to ignore. {Hero} did not ignore it.",
        "A feeling of {feeling} settled in, quiet and patient.",
    ),
    "rising": (
        "The closer {hero} came to the truth about {topic}, the stranger it became.",
        "Again there was {sound}, nearer this time.",
        "{Hero} followed the trail to {place}.",
        "Every answer led to a harder question.",
        "{Feeling} grew with every step.",
    ),
    "turn": (
        "And then {hero} understood what {thing} really meant.",
        "Everything about {topic} had been hiding in plain sight.",
        "The story everyone had told was only half of it.",
    ),
    "climax": (
        "In {place}, {hero} finally faced it.",
        "There was no more time to wait. {Hero} stepped forward.",
        "{Sound} filled the air, and then, suddenly, silence.",
        "Everything came down to this one moment.",
    ),
    "resolution": (
        "When it was over, {place} was quiet again.",
        "{Hero} kept {thing}, as a reminder.",
        "Some say {topic} is only a story. {Hero} knows better.",
        "And that is how it ended, {time}, with a feeling of {feeling}.",
    ),
}
BEDTIME_END = "And so, safe and warm, {hero} closed their eyes and drifted off to sleep."
MOTIVATIONAL_END = "So start today. Not tomorrow. Today."
GUEST_FIRST = ("{guest} was there too, and had seen it as well.", "That was when {guest} arrived.")
GUEST_LINES = (
    "{guest} said nothing, but had noticed it too.",
    "{guest} stayed close.",
    "{Hero} looked at {guest}. Neither of them spoke.",
)
FRAGMENTS = ("Silence.", "Then nothing.", "Closer.", "Wait.", "Listen.")


def _beats(n: int) -> list[str]:
    """The arc stretched over n scenes (n >= 3): hook first, resolution last,
    the climax before it, the middle beats in order, rising stakes repeated."""
    if n == 3:
        return ["hook", "turn", "resolution"]
    middle = n - 3
    core = ["setup", "sign", "rising", "turn"]
    if middle <= len(core):
        picked = [*core[: middle - 1], "turn"] if middle > 1 else ["turn"]
    else:
        extra = middle - len(core)
        picked = ["setup", "sign", *(["rising"] * (extra + 1)), "turn"]
    return ["hook", *picked, "climax", "resolution"]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


class TemplateScriptWriter:
    name = "local-template"

    async def write(self, request: ScriptRequest) -> Script:
        return write_script(request)


def write_script(request: ScriptRequest) -> Script:
    world = WORLDS.get(request.story_type, WORLDS["mystery"])
    seed = int.from_bytes(
        hashlib.sha256(f"{request.topic}|{request.story_type}".encode()).digest()[:8], "big"
    )
    rng = random.Random(seed)
    topic = request.topic.strip().rstrip(".!?") or "this story"
    hero = request.characters[0].name if request.characters else world.hero
    others = [c.name for c in request.characters[1:]]
    slots = {
        "topic": topic, "hero": hero, "Hero": _cap(hero),
        "place": rng.choice(world.place), "thing": rng.choice(world.thing),
        "sound": rng.choice(world.sound), "Sound": _cap(rng.choice(world.sound)),
        "feeling": rng.choice(world.feeling), "Feeling": _cap(rng.choice(world.feeling)),
        "time": rng.choice(world.time),
    }  # fmt: skip
    hooks = if_motivational_hooks if request.story_type == "motivational" else HOOKS
    scenes: list[ScriptScene] = []
    used_titles: set[str] = set()
    met: set[str] = set()
    for index, beat in enumerate(_beats(request.num_scenes)):
        # Each scene walks its own place and sound, so the story moves.
        slots["place"] = world.place[(index + seed) % len(world.place)]
        slots["sound"] = world.sound[(index + seed // 7) % len(world.sound)]
        slots["Sound"] = _cap(slots["sound"])
        pool = list(LINES[beat])
        rng.shuffle(pool)
        sentences: list[str] = []
        if index == 0:
            sentences.append(hooks.get(request.hook_intensity, HOOKS["medium"]))
        cast = [hero]
        if others and beat != "hook" and index % 2 == 1:
            guest = others[(index // 2) % len(others)]
            cast.append(guest)
            lines = GUEST_LINES if guest in met else GUEST_FIRST
            sentences.append(lines[index % len(lines)].replace("{guest}", guest))
            met.add(guest)
        fillers = [line for b in ("rising", "sign", "setup") for line in LINES[b]]
        rng.shuffle(fillers)
        ending: list[str] = []
        if index == request.num_scenes - 1:
            if request.story_type == "bedtime":
                ending.append(BEDTIME_END)
            elif request.story_type == "motivational":
                ending.append(MOTIVATIONAL_END)

        def count(lines: list[str]) -> int:  # words as spoken, slots filled in
            return sum(len(line.format(**slots).split()) for line in lines)

        target = request.words_per_scene - count(ending)
        words = count(sentences)
        while words < target:
            line = pool.pop(0) if pool else fillers.pop(0) if fillers else rng.choice(LINES[beat])
            n = count([line])
            # stop short rather than overshoot by more than half a sentence
            if sentences and words + n / 2 > target:
                break
            sentences.append(line)
            words += n
            if request.pacing == "dynamic" and rng.random() < 0.3:
                sentences.append(rng.choice(FRAGMENTS))
                words += 1
        sentences += ending
        text = " ".join(s.format(**slots) for s in sentences)
        if request.pacing == "slow":
            # joined thoughts: fewer, longer sentences
            text = re.sub(r"\. (?=[A-Z])", ", and ", text, count=max(1, len(sentences) // 3))
            text = text.replace(", and And", ", and")
        titles = [t for t in TITLES[beat] if t not in used_titles] or list(TITLES[beat])
        title = titles[index % len(titles)]
        used_titles.add(title)
        scenes.append(
            ScriptScene(
                title=title,
                narration=" ".join(text.split()),
                image_prompt=_prompt(request, world, beat, slots, cast),
                characters=tuple(c for c in cast if any(c == x.name for x in request.characters)),
            )
        )
    return Script(
        title=_cap(topic),
        scenes=tuple(scenes),
        writer="local-template",
        notes=("written by the local template writer (no LLM configured: set "
               "SOUNDSTAGE_LLM_BASE_URL or SOUNDSTAGE_LLM_API_KEY for a model-written script)",),
    )  # fmt: skip


def _prompt(
    request: ScriptRequest, world: World, beat: str, slots: dict[str, str], cast: list[str]
) -> str:
    shots = {"hook": "a striking establishing shot", "setup": "a wide shot",
             "sign": "a close-up detail shot", "rising": "a tense medium shot",
             "turn": "a dramatic reveal", "climax": "a dynamic action shot",
             "resolution": "a calm closing shot"}  # fmt: skip
    described = [
        f"{c.name} ({c.description})" if c.description else c.name
        for c in request.characters
        if c.name in cast
    ]
    who = f", featuring {', '.join(described)}" if described else ""
    return (
        f"{request.image_style} style, {shots[beat]} of {slots['place']} for a story about "
        f"{slots['topic']}, {slots['thing']} in view{who}; {world.visual}"
    )
