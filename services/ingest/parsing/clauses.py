"""Whether a short Russian line says what happened (a clause) or names a thing.

A headline reports an event, so it holds a finite verb ("Ипотечные ставки
снизятся", "Банки повысили ставки", "В Оше открыли парк"); a subheading
inside a story or a photo's caption names something the story tells ("Новые
ставки", "прогулка по новому парку"). Verbs are told by endings no common
noun or adjective has (reflexive forms, the present after a vowel, "-ят",
"-ил", "-или", "-шел", "подписал", "увеличит"). Endings nouns share
("кредит", "депозит", "результат", "правила", "канал", "детали") are left
unread: a verb in one of those shapes goes unseen, and few nouns are taken
for verbs ("автомобили").
"""

from __future__ import annotations

import re

_FINITE_VERB = re.compile(
    r"(?<![^\W\d_])[а-яё]{2,}"
    r"(?:тся|ться|л(?:ся|ась|ось|ись)"  # снизятся, открылся, договорились
    r"|[аеиоуыэюя](?:ет|ют|ёт)"  # подорожает, рекомендуют, поёт
    r"|[бвгджзклмнпрстфхцчшщ]ят|[чшжщ]ат|[дгжш]ут"  # снизят, ограничат, введут
    r"|(?:н|д|ст)ёт|(?:ид|йд|ед|ст)ет|[чпсвжшл]ит"  # начнёт, пройдет, увеличит
    r"|ил|[иыя]ли|ял|ыл[аои]?|нул[аои]?|ш(?:ел|ёл|ла|ло|ли)|рос(?:ла|ло|ли)"  # повысил, открыли
    r"|(?:пис|каз|зн|п|бр|ов)ал[аио]?|(?:ч|ст)ал)"  # подписал, зарегистрировала
    r"(?![^\W\d_])",
    re.IGNORECASE,
)


def says_what_happened(text: str) -> bool:
    """Whether ``text`` holds a Russian finite verb, as a headline does."""
    return _FINITE_VERB.search(text) is not None


# Letters Kazakh, Kyrgyz and Uzbek Cyrillic have and Russian lacks: their verbs
# end otherwise ("ашылды"), and no ending here tells them.
_NOT_RUSSIAN = re.compile(r"[әғқңөұүһіўҳӘҒҚҢӨҰҮҺІЎҲ]")
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def names_a_thing(text: str) -> bool:
    """Whether ``text`` is a Russian line with no finite verb: a noun phrase
    naming a thing ("Новые ставки"). A line in another language is never
    known to be one, as its verbs are not read."""
    return (
        _CYRILLIC.search(text) is not None
        and _NOT_RUSSIAN.search(text) is None
        and not says_what_happened(text)
    )
