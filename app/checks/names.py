"""Person names: pinyin, family name first, given name as one word ("Tong Jianming")."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from app.checks.base import Check, PairContext
from app.model import Issue, Severity
from app.terminology.matching import ROLE_FORBIDDEN

COMPOUND_SURNAMES = {
    "欧阳": "Ouyang", "司马": "Sima", "上官": "Shangguan", "诸葛": "Zhuge", "东方": "Dongfang", "皇甫": "Huangfu",
    "尉迟": "Yuchi", "公孙": "Gongsun", "令狐": "Linghu", "慕容": "Murong", "长孙": "Zhangsun",
    "宇文": "Yuwen", "司徒": "Situ", "夏侯": "Xiahou", "端木": "Duanmu", "万俟": "Moqi", "申屠": "Shentu",
}
# Readings of surnames that differ from the everyday reading of the character.
SURNAME_READINGS = {
    "单": "Shan", "曾": "Zeng", "解": "Xie", "仇": "Qiu", "区": "Ou", "查": "Zha", "朴": "Piao", "乐": "Yue",
    "覃": "Qin", "盖": "Ge", "缪": "Miao", "种": "Chong", "翟": "Zhai", "繁": "Po", "召": "Shao", "员": "Yun",
    "葛": "Ge", "任": "Ren", "华": "Hua", "石": "Shi", "薄": "Bo", "秘": "Bi", "黑": "He", "句": "Gou",
    "便": "Pian", "柏": "Bai", "隗": "Wei", "阚": "Kan", "眭": "Sui", "莘": "Shen", "折": "She", "那": "Na",
    "宿": "Su", "燕": "Yan", "占": "Zhan", "尉": "Yu", "过": "Guo", "殷": "Yin", "应": "Ying", "于": "Yu",
    "沈": "Shen", "曲": "Qu", "纪": "Ji", "宁": "Ning", "卜": "Bu", "郇": "Xun", "都": "Du", "车": "Che",
    "贾": "Jia", "盛": "Sheng", "冯": "Feng", "吕": "Lü", "褚": "Chu", "祭": "Zhai", "澹": "Tan", "长": "Chang",
    "重": "Chong", "相": "Xiang", "射": "She", "汤": "Tang", "伯": "Bo", "蕃": "Pi", "的": "Di",
}
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向"
    "汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单"
    "季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄"
    "窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查"
    "麻苑迟邝习"
)
SURNAMES = frozenset(COMMON_SURNAMES) | frozenset(SURNAME_READINGS)
# Older romanisations (Wade-Giles, postal, Cantonese) of pinyin surnames.
LEGACY_SURNAMES = {
    "zhang": ("chang", "cheung"), "zhou": ("chou", "chow"), "zhao": ("chao", "chiu"), "chen": ("chan",),
    "huang": ("hwang", "wong"), "wang": ("wong",), "li": ("lee",), "liu": ("lau",), "lin": ("lam",),
    "wu": ("woo", "ng"), "xu": ("hsu", "hui"), "xie": ("hsieh", "tse"), "xiao": ("hsiao", "siu"),
    "zheng": ("cheng",), "tong": ("tung",), "jiang": ("chiang", "kiang"), "cai": ("tsai", "choi"),
    "qian": ("chien",), "qiu": ("chiu", "yau"), "song": ("sung",), "deng": ("teng",), "guo": ("kuo", "kwok"),
    "gao": ("kao",), "ge": ("ko",), "feng": ("fung",), "zhu": ("chu",), "yang": ("yeung",), "ye": ("yeh", "yip"),
    "he": ("ho",), "gong": ("kung",), "jin": ("chin", "kam"), "cao": ("tsao", "tso"), "zeng": ("tseng", "tsang"),
    "qin": ("chin",), "jia": ("chia",), "zou": ("tsou", "chau"), "cui": ("tsui",), "kong": ("kung",),
    "yu": ("yue",), "pan": ("poon",), "xi": ("hsi",), "zhong": ("chung",), "qi": ("chi",), "ying": ("yeng",),
}
WORD_RE = re.compile(r"[A-Za-zÀ-ɏ]+")
# Characters that end names of bodies and places: a candidate name followed by one is not a person.
INSTITUTION_SUFFIXES = frozenset("网院局部委厅所会办处室站报社台街路区县市省村镇山河湖桥寺馆园校厂司行")
NAME_WORD_RE = re.compile(r"[A-Za-zÀ-ɏ]+(?:['’][A-Za-zÀ-ɏ]+)*")
# Last characters of place names (villages, towns, passes, rivers…): 齐家屯, 张家口, 王家庄.
# (Characters common at the end of given names, such as 山, 江, 田, are left out.)
PLACE_SUFFIXES = frozenset("屯村庄镇县堡沟营铺店寨岭湾州城乡坊桥峪坡港岛府街路区省市寺庙殿楼阁坝坪塘洼滩岗垭场井")


def _word_tags() -> dict:
    from app.terminology.tables import word_tags

    return word_tags()


def not_a_person(zh: str, cand: str, end: int) -> bool:
    """A surname-initial candidate that names a place or body, or that the dictionary knows as another word."""
    if cand[-1] in PLACE_SUFFIXES or zh[end:end + 1] in INSTITUTION_SUFFIXES:
        return True
    tag = _word_tags().get(cand)
    if tag is None or tag.startswith("nr"):
        return False
    # jieba's tags are unreliable for longer names (周恩来 is tagged a time word): there only places and bodies
    return len(cand) == 2 or tag in ("ns", "nt")




@lru_cache(maxsize=50_000)
def _syllables(chars: str) -> tuple[str, ...]:
    from pypinyin import lazy_pinyin

    return tuple(s.replace("v", "ü") for s in lazy_pinyin(chars))


@lru_cache(maxsize=1)
def _traditional_surnames() -> frozenset[str]:
    import opencc

    conv = opencc.OpenCC("s2t")
    return frozenset(conv.convert(x) for x in SURNAMES | set(COMPOUND_SURNAMES)) - SURNAMES


@lru_cache(maxsize=1)
def _surname_re() -> re.Pattern:
    chars = set(SURNAMES) | {c[0] for c in COMPOUND_SURNAMES} | {c[0] for c in _traditional_surnames()}
    return re.compile("[" + "".join(sorted(chars)) + "]")


@lru_cache(maxsize=100_000)
def _simplified(text: str) -> str:
    return _t2s().convert(text)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def split_name(name: str) -> tuple[str, str] | None:
    """Family and given part of a Chinese name, or None if it does not start with a surname."""
    if name[0] not in SURNAMES and name[:2] not in COMPOUND_SURNAMES and (
            name[0] in _traditional_surnames() or name[:2] in _traditional_surnames()):
        simple = _simplified(name)
        if len(simple) == len(name):
            parts = split_name(simple)
            return (name[:len(parts[0])], name[len(parts[0]):]) if parts else None
    if name[:2] in COMPOUND_SURNAMES and len(name) >= 3:
        return name[:2], name[2:]
    if name[0] in SURNAMES and 2 <= len(name) <= 3:
        return name[0], name[1:]
    return None


@lru_cache(maxsize=100_000)
def name_pinyin(name: str) -> tuple[str, str] | None:
    """('Tong', 'Jianming') for 童建明, with surname readings (单 Shan, 曾 Zeng)."""
    parts = split_name(name)
    if parts is None:
        return None
    family, given = parts
    family = _simplified(family) if family not in SURNAMES and family not in COMPOUND_SURNAMES else family
    fam = COMPOUND_SURNAMES.get(family) or SURNAME_READINGS.get(family)
    if fam is None:
        fam = "".join(_syllables(family)).capitalize()
    syl = _syllables(given)
    if not all(s.isalpha() for s in syl):
        return None
    giv = "".join(syl)
    # an apostrophe separates syllables where the next one starts with a vowel (Xi'an)
    if len(syl) > 1 and syl[1][0] in "aeo":
        giv = syl[0] + "'" + "".join(syl[1:])
    return fam, giv.capitalize()


@lru_cache(maxsize=4096)
def _family_reading(family: str) -> str:
    return COMPOUND_SURNAMES.get(family) or SURNAME_READINGS.get(family) or "".join(_syllables(family))


@lru_cache(maxsize=100_000)
def _fold(word: str) -> str:
    return word.lower().replace("ü", "u").replace("'", "").replace("’", "")


@lru_cache(maxsize=16)
def _words(en: str) -> tuple[list[tuple[str, tuple[int, int]]], list[str]]:
    words = [(m.group(), m.span()) for m in NAME_WORD_RE.finditer(en)]
    return words, [_fold(w) for w, _ in words]


def find_name_forms(en: str, family: str, given: str, syllables: tuple[str, ...] = ()) -> list[tuple[str, tuple]]:
    """Forms of a name in English: ('ok'|'joined'|'reversed'|'split'|'case', span) in text order."""
    words, lows = _words(en)
    fam, giv = _fold(family), _fold(given)
    syl = [_fold(s) for s in syllables] if len(syllables) > 1 else []
    out = []
    i = 0
    n = len(words)
    while i < n:
        w, span = words[i]
        low = lows[i]
        if low == fam + giv:
            out.append(("joined", span))
        elif low == fam and i + 1 < n and lows[i + 1] == giv:
            end = words[i + 1][1][1]
            good = w[0].isupper() and words[i + 1][0][0].isupper() and words[i + 1][0][1:].islower()
            out.append(("ok" if good else "case", (span[0], end)))
            i += 1
        elif low == giv and i + 1 < n and lows[i + 1] == fam and (fam != giv):
            out.append(("reversed", (span[0], words[i + 1][1][1])))
            i += 1
        elif syl and low == fam and i + len(syl) < n and lows[i + 1:i + 1 + len(syl)] == syl:
            out.append(("split", (span[0], words[i + len(syl)][1][1])))
            i += len(syl)
        elif syl and low == "".join(syl) and i + 1 < n and lows[i + 1] == fam:
            out.append(("reversed", (span[0], words[i + 1][1][1])))
            i += 1
        i += 1
    return out


MESSAGES = {
    "joined": "family and given name run together",
    "reversed": "given name first; write the family name first",
    "reading": "wrong reading of the surname",
    "split": "given name split into syllables; write it as one word",
    "case": "capitalise the family and given name",
    "legacy": "older romanisation; use pinyin",
    "forbidden": "a spelling the glossary forbids",
}


class NamesPinyinCheck(Check):
    check_id = "names.pinyin"
    name = "Person name in pinyin"
    description = ("A Chinese person's name must be pinyin, family name first, given name as one word "
                   "(\"Tong Jianming\"); flags run-together, reversed, split and legacy spellings. Without a "
                   "glossary entry only full names (a surname and a two-character given name) are held to the "
                   "run-together, split and case rules: never a given name alone, nor a place name "
                   "(齐家屯 Qijiatun, 关东 Guandong).")
    severity = Severity.MAJOR

    def check_pair(self, pair: PairContext) -> Iterable[Issue]:
        g = pair.glossary
        reported: set[tuple[int, int]] = set()
        names: list[tuple[int, int, str, str, str, bool]] = []  # start, end, zh, family, given, registered
        term_spans = []
        forbidden_zh: set[str] = set()
        for m in pair.zh_terms:
            e = g.entries[m.entry]
            if e.kind == "name":
                parts = e.en.split(None, 1)
                if len(parts) == 2:
                    names.append((m.start, m.end, m.text, parts[0], parts[1], True))
                for f in pair.en_terms_by_entry.get(m.entry, ()):
                    if f.role == ROLE_FORBIDDEN:
                        forbidden_zh.add(m.text)
                    if f.role == ROLE_FORBIDDEN and f.span not in reported:
                        reported.add(f.span)
                        yield self.issue(f"'{f.text}' for {m.text}: {MESSAGES['forbidden']}; write '{e.en}'",
                                         zh_span=(m.start, m.end), en_span=f.span, suggestion=e.en)
            else:
                term_spans.append((m.start, m.end))
        names.extend(self._detected(pair, [(s, e) for s, e, *_ in names] + term_spans))
        missing_reported: set[str] = set()
        for start, end, zh, family, given, registered in names:
            given_chars = zh[len(split_name(zh)[0]):] if split_name(zh) else ""
            forms = find_name_forms(pair.en, family, given, _syllables(given_chars) if given_chars else ())
            expected = f"{family} {given}"
            # A surname and one character may be a given name alone (文洁 of 叶文洁): written as one word
            # or split it is right or wrong depending on which, so only a glossary name is held to a form.
            ambiguous = not registered and len(given_chars) < 2
            for kind, span in forms:
                if kind == "ok" or span in reported or any(s <= span[0] < e for s, e in reported):
                    continue
                if ambiguous and kind != "reversed":
                    continue
                reported.add(span)
                yield self.issue(f"'{pair.en[span[0]:span[1]]}' for {zh}: {MESSAGES[kind]} ('{expected}')",
                                 zh_span=(start, end), en_span=span, suggestion=expected, form=kind)
            if not forms:
                family_chars = split_name(zh)[0] if split_name(zh) else ""
                alt = "".join(_syllables(family_chars)).capitalize() if family_chars else ""
                if alt and _fold(alt) != _fold(family):
                    for kind, span in find_name_forms(pair.en, alt, given):
                        if span in reported:
                            continue
                        reported.add(span)
                        yield self.issue(f"'{pair.en[span[0]:span[1]]}' for {zh}: as a surname {family_chars} "
                                         f"is read {family} ('{expected}')", zh_span=(start, end),
                                         en_span=span, suggestion=expected, form="reading")
                        forms.append((kind, span))
            if registered and not forms:
                legacy = list(self._legacy(pair.en, family))
                for span in legacy:
                    if span in reported:
                        continue
                    reported.add(span)
                    yield self.issue(f"'{pair.en[span[0]:span[1]]}' for {zh}: {MESSAGES['legacy']} "
                                     f"('{expected}')", zh_span=(start, end), en_span=span,
                                     suggestion=expected, form="legacy")
                if not legacy and zh not in forbidden_zh and zh not in missing_reported:
                    missing_reported.add(zh)
                    yield self.issue(f"{zh} ('{expected}') is not in the English", zh_span=(start, end),
                                     suggestion=expected, severity=Severity.MINOR, form="missing")

    def _detected(self, pair: PairContext, skip: list[tuple[int, int]]):
        """Chinese names found by surname, confirmed by their pinyin appearing in the English."""
        zh = pair.zh
        en_low = pair.en.lower().replace("ü", "u").replace("'", "").replace("’", "")
        folded = set(_words(pair.en)[1])
        if not folded:
            return []
        out = []
        next_free = 0
        for m in _surname_re().finditer(zh):
            i = m.start()
            if i < next_free or any(s <= i < e for s, e in skip):
                continue
            two = _simplified(zh[i:i + 2])
            fam_chars = two if two in COMPOUND_SURNAMES else _simplified(zh[i])
            if (_fold(_family_reading(fam_chars)) not in en_low
                    and _fold("".join(_syllables(fam_chars))) not in en_low):
                continue
            hit = None
            for length in (3, 2, 4):
                cand = zh[i:i + length]
                if len(cand) < length or not all("\u4e00" <= c <= "\u9fff" for c in cand):
                    continue
                if any(s < i + length and i < e for s, e in skip):
                    continue
                if not_a_person(zh, cand, i + length):
                    continue  # 高检网, 齐家屯, 关东: part of a place or body, not a person
                py = name_pinyin(cand)
                if py is None or _fold(py[1]) not in en_low:
                    continue
                family_chars = split_name(cand)[0]
                given_syl = _syllables(cand[len(family_chars):])
                for fam_form in (py[0], "".join(_syllables(_simplified(family_chars))).capitalize()):
                    fam, giv = _fold(fam_form), _fold(py[1])
                    if (fam + giv in folded or (fam in folded and giv in folded)) and find_name_forms(
                            pair.en, fam_form, py[1], given_syl):
                        hit = (i, i + length, cand, py[0], py[1], False)
                        break
                if hit:
                    break
            if hit:
                out.append(hit)
                next_free = hit[1]
        return out

    def _legacy(self, en: str, family: str):
        olds = LEGACY_SURNAMES.get(_fold(family), ())
        if not olds:
            return
        pattern = re.compile(r"\b(" + "|".join(o.capitalize() for o in olds) + r")\s+[A-Z][a-z]+(?:-[a-z]+)?\b")
        for m in pattern.finditer(en):
            yield m.span()
