"""Measure language identification on short news comments: `python -m models.langid_eval`.

The comments below were written for this measurement (20-50 characters each, the length of most
comments that a language rule has to judge), labelled with their ISO 639-1 language. `TOO_SHORT`
are replies that the rule should leave alone (fewer than `MIN_LETTERS` letters).
"""

from __future__ import annotations

import statistics
import time

from models.langid import identify, preload

SAMPLES: tuple[tuple[str, str], ...] = (
    # English: short, informal, the kind that must not be held as "foreign".
    ("en", "Great article, thanks for covering this."),
    ("en", "This is exactly why nobody trusts the council anymore."),
    ("en", "lol the minister clearly never read the report"),
    ("en", "Totally agree with the previous commenter."),
    ("en", "Where is the money going? Nobody can answer that."),
    ("en", "Interesting take but I think you missed the point."),
    ("en", "The bus service in my town is a joke."),
    ("en", "Can someone explain why petrol prices keep going up?"),
    ("en", "Well said. Couldn't agree more."),
    ("en", "Another tax rise, brilliant, just what we needed"),
    ("en", "My grandmother lived through this, it was awful."),
    ("en", "Fake news as usual from this paper"),
    ("en", "I voted for them and I regret it now."),
    ("en", "The photo caption is wrong, that's not the mayor."),
    ("en", "How is this even legal?"),
    ("en", "Good luck to the team on Saturday!"),
    ("en", "imo the referee ruined the match"),
    ("en", "This government couldn't run a bath."),
    ("en", "Sad news. Thoughts are with the family."),
    ("en", "Typo in the third paragraph btw"),
    ("en", "The hospital waiting lists are a national disgrace."),
    ("en", "Why does every article have a paywall now"),
    ("en", "Renewables are cheaper than coal, end of story."),
    ("en", "So the CEO gets a bonus while workers get laid off."),
    ("en", "Nice to read some good news for a change."),
    ("en", "I don't buy it, the numbers don't add up."),
    ("en", "Housing is unaffordable for anyone under forty."),
    ("en", "Who actually approved this planning application?"),
    ("en", "The schools need more teachers, not more tests."),
    ("en", "Brilliant reporting as always"),
    ("en", "Not surprised at all tbh"),
    ("en", "They should resign, all of them."),
    ("en", "Has anyone asked the residents what they want?"),
    ("en", "Prices at the supermarket are insane lately."),
    ("en", "What a match! Best game of the season."),
    ("en", "The trains were late again this morning."),
    ("en", "I remember when this town had a cinema."),
    ("en", "Pathetic response from the police."),
    ("en", "Source? This sounds made up."),
    ("en", "Climate change is real, look at the floods."),
    ("en", "The new bridge looks terrible."),
    ("en", "Thank you for an honest and balanced piece."),
    ("en", "Spot on. Someone had to say it."),
    ("en", "Another pointless consultation."),
    ("en", "Ridiculous decision by the court"),
    ("en", "My kids' school closed because of this."),
    ("en", "Let the voters decide, not the lawyers."),
    ("en", "Shocking that this still happens in 2024."),
    ("en", "Just cancel the whole project already."),
    ("en", "Bring back the old timetable please"),
    ("en", "The author clearly did their homework."),
    ("en", "Absolute nonsense from start to finish"),
    ("en", "Nobody talks about the farmers in all this."),
    ("en", "The prime minister should apologise."),
    ("en", "Respect to the firefighters, heroes."),
    ("en", "Is there a petition we can sign?"),
    ("en", "Same old promises every election."),
    ("en", "Cycling lanes are empty every time I pass."),
    ("en", "Lower the speed limit near schools."),
    ("en", "That stadium cost far too much."),
    # German
    ("de", "Das ist doch eine Frechheit von der Regierung."),
    ("de", "Sehr guter Artikel, vielen Dank dafür."),
    ("de", "Warum wird darüber nicht mehr berichtet?"),
    ("de", "Die Bahn ist schon wieder zu spät."),
    ("de", "Ich stimme dem Autor voll und ganz zu."),
    ("de", "Wer soll das denn alles bezahlen?"),
    ("de", "Typisch, die Politiker denken nur an sich."),
    ("de", "Endlich sagt es mal einer!"),
    # French
    ("fr", "C'est scandaleux, personne ne fait rien."),
    ("fr", "Merci pour cet article très intéressant."),
    ("fr", "Le gouvernement se moque de nous encore une fois."),
    ("fr", "Je ne comprends pas pourquoi les prix augmentent."),
    ("fr", "Quelle honte pour notre ville."),
    ("fr", "Il faut arrêter de dépenser l'argent public."),
    ("fr", "Bravo aux pompiers pour leur travail."),
    ("fr", "On attend toujours des explications du maire."),
    # Spanish
    ("es", "Esto es una vergüenza para todo el país."),
    ("es", "Muy buen artículo, gracias por la información."),
    ("es", "¿Quién va a pagar todo esto?"),
    ("es", "El gobierno no hace nada por los jóvenes."),
    ("es", "Estoy totalmente de acuerdo contigo."),
    ("es", "Los precios de la luz están por las nubes."),
    ("es", "Qué partido tan increíble el de ayer."),
    ("es", "Nadie se cree ya las promesas de los políticos."),
    # Italian
    ("it", "Che vergogna, nessuno si prende le responsabilità."),
    ("it", "Articolo molto interessante, grazie."),
    ("it", "I treni sono sempre in ritardo."),
    ("it", "Il sindaco dovrebbe dimettersi subito."),
    ("it", "Sono d'accordo con quello che dici."),
    ("it", "Chi paga alla fine siamo sempre noi."),
    # Portuguese
    ("pt", "Que vergonha, ninguém faz nada."),
    ("pt", "Ótimo artigo, obrigado pela informação."),
    ("pt", "O governo só pensa em aumentar os impostos."),
    ("pt", "Concordo plenamente com o autor."),
    ("pt", "Quem vai pagar essa conta somos nós."),
    ("pt", "O trânsito na cidade está cada vez pior."),
    # Dutch
    ("nl", "Wat een schande, niemand doet er iets aan."),
    ("nl", "Goed artikel, bedankt voor de uitleg."),
    ("nl", "De trein was vanochtend weer te laat."),
    ("nl", "Ik ben het helemaal met je eens."),
    ("nl", "Wie gaat dat allemaal betalen?"),
    # Polish
    ("pl", "To jest skandal, nikt nic nie robi."),
    ("pl", "Bardzo dobry artykuł, dziękuję."),
    ("pl", "Rząd znowu podnosi podatki."),
    ("pl", "Kto za to wszystko zapłaci?"),
    # Swedish / Danish / Norwegian
    ("sv", "Vilken skandal, ingen gör någonting."),
    ("sv", "Bra artikel, tack för informationen."),
    ("da", "Det er en skandale, ingen gør noget."),
    ("no", "Takk for en god artikkel."),
    # Turkish
    ("tr", "Bu tam bir rezalet, kimse bir şey yapmıyor."),
    ("tr", "Çok güzel bir yazı, teşekkürler."),
    ("tr", "Hükümet yine vergileri artırdı."),
    # Russian, Ukrainian, Greek, Arabic, Chinese, Japanese, Hindi
    ("ru", "Это позор, никто ничего не делает."),
    ("ru", "Спасибо за интересную статью."),
    ("uk", "Дякую за цікаву статтю."),
    ("el", "Αυτό είναι ντροπή για όλη τη χώρα."),
    ("ar", "هذا عار على الحكومة"),
    ("zh", "这篇文章写得很好，谢谢分享。"),
    ("ja", "とても面白い記事でした。ありがとう。"),
    ("hi", "यह बहुत अच्छा लेख है, धन्यवाद।"),
    # Romanian, Czech, Hungarian, Finnish, Indonesian
    ("ro", "Este o rușine pentru toată țara."),
    ("cs", "To je skandál, nikdo nic nedělá."),
    ("hu", "Ez egy botrány, senki nem csinál semmit."),
    ("fi", "Tämä on skandaali, kukaan ei tee mitään."),
    ("id", "Ini sangat memalukan, tidak ada yang peduli."),
)

TOO_SHORT: tuple[str, ...] = (
    "lol", "well said", "so true", "agreed", "rubbish", "thanks", "fake news", "no way",
    "hear hear", "bravo", "nonsense", "ok boomer", "merci beaucoup", "sehr gut", "muy bien",
)  # fmt: skip


def main() -> None:
    preload()
    en_kept = foreign_flagged = exact = 0
    n_en = sum(lang == "en" for lang, _ in SAMPLES)
    times = []
    misses = []
    for lang, text in SAMPLES:
        t0 = time.perf_counter()
        found = identify(text, ("en",))
        times.append(time.perf_counter() - t0)
        flagged = found is not None and found.foreign
        if lang == "en":
            en_kept += not flagged
        else:
            foreign_flagged += flagged
        exact += found is not None and found.language == lang
        if flagged != (lang != "en"):
            misses.append((lang, found, text))
    not_judged = sum(identify(t) is None for t in TOO_SHORT)
    print(f"English comments kept:     {en_kept}/{n_en}")
    print(f"foreign comments flagged:  {foreign_flagged}/{len(SAMPLES) - n_en}")
    print(f"exact language label:      {exact}/{len(SAMPLES)}")
    print(f"too short, not judged:     {not_judged}/{len(TOO_SHORT)}")
    print(f"median time per comment:   {statistics.median(times) * 1e3:.3f} ms")
    for miss in misses:
        print("  miss:", miss)


if __name__ == "__main__":
    main()
