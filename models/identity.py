"""Identity words, folded into one placeholder token before vectorising.

Hate corpora mention identities ("gay", "muslim", "black") mostly in attacks, so a linear
model learns "identity word => toxic" and then flags "I am a proud gay man". Two steps
stop that. First every identity word becomes the same placeholder, so no identity is
scored differently from another. Second, training zeroes the placeholder's features for
the toxicity, insult, obscene and threat heads (see `MASKED_CATEGORIES`), so mentioning an
identity at all adds nothing: the verdict comes from the words around it. The
identity_attack head keeps them, since an identity attack needs an identity.
"""

from __future__ import annotations

import re

# A letter no normalised comment contains (Cyrillic "multiocular O"): its character
# n-grams and the word n-grams holding it belong to the placeholder alone.
PLACEHOLDER = "ꙮꙮ"
MARK = "ꙮ"

MASKED_CATEGORIES = ("toxicity", "insult", "obscene", "threat")

# Identity terms as comments write them (singular, plural, common variants). Gender words
# such as "woman" stay out: they carry no toxicity association in the training data.
_TERMS = """lesbian lesbians gay gays bisexual bisexuals transgender transgenders
transsexual trans queer queers lgbt lgbtq lgbtqia homosexual homosexuals straight
heterosexual heterosexuals nonbinary non-binary african africans african-american
african-americans black blacks white whites european europeans hispanic hispanics latino
latinos latina latinas latinx mexican mexicans canadian canadians american americans asian
asians indian indians chinese japanese christian christians muslim muslims moslem moslems
islamic jewish jew jews buddhist buddhists catholic catholics protestant protestants sikh
sikhs taoist taoists hindu hindus atheist atheists arab arabs immigrant immigrants
refugee refugees migrant migrants old older young younger teenage teenager teenagers
middle-eastern eastern middle-aged aged millenial millenials millennial millennials
elderly blind deaf paralyzed disabled"""
# Nationalities are protected by the guidelines too, and the news names them daily: folding them
# lets "<nationality> are ..." learn from every group, and keeps "Russians" in a civil comment
# from scoring as the war coverage it mostly appears in.
_NATIONALITIES = """russian russians ukrainian ukrainians korean koreans israeli israelis
palestinian palestinians nigerian nigerians polish pole poles syrian syrians iranian iranians
afghan afghans iraqi iraqis german germans british brits irish scottish welsh italian
italians turkish turks greek greeks somali somalis pakistani pakistanis bangladeshi
bangladeshis filipino filipinos vietnamese thai cuban cubans venezuelan venezuelans brazilian
brazilians colombian colombians serb serbs serbian serbians albanian albanians romanian
romanians bulgarian bulgarians hungarian hungarians czech czechs kurd kurds kurdish lebanese
egyptian egyptians moroccan moroccans algerian algerians ethiopian ethiopians kenyan kenyans
ghanaian ghanaians congolese sudanese yemeni yemenis saudi saudis belarusian belarusians
lithuanian lithuanians latvian latvians estonian estonians cambodian cambodians haitian
haitians jamaican jamaicans peruvian peruvians chilean chileans argentinian argentinians
chechen chechens tajik tajiks uzbek uzbeks kazakh kazakhs armenian armenians azerbaijani
azerbaijanis"""
TERMS: tuple[str, ...] = tuple(
    sorted(set(_TERMS.split()) | set(_NATIONALITIES.split()), key=lambda t: (-len(t), t))
)


def _trie(words: tuple[str, ...]) -> str:
    """A regex alternation shaped as a trie: its cost hardly grows with the list."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def render(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + render(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return render(root)


# Whole words only; "-" counts as a word edge, so "gay-bashing" folds its "gay" too.
_RE = re.compile(rf"(?<![^\W_]){_trie(TERMS)}(?![^\W_])")


def fold(text: str) -> str:
    """Replace every identity word of normalised (lower-case) text with the placeholder.

    Works the same on a whole text and on each whitespace word alone, so evidence (per
    word) and scoring (per text) see the same features.
    """
    return _RE.sub(PLACEHOLDER, text)


def is_placeholder_feature(feature: str) -> bool:
    return MARK in feature
