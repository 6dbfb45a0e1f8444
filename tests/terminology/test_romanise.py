"""Romanisations: Wade–Giles from pinyin, folding, and the spellings a name may take."""

from __future__ import annotations

import pytest

from app.terminology.romanise import fold, name_keys, syllable_forms, wade_giles


@pytest.mark.parametrize("pinyin,wg", [
    ("xu", "hsü"), ("zhi", "chih"), ("mo", "mo"), ("ze", "tsê"), ("dong", "tung"), ("jian", "chien"),
    ("ming", "ming"), ("qing", "ch'ing"), ("chen", "ch'en"), ("rui", "jui"), ("gui", "kuei"), ("guo", "kuo"),
    ("zuo", "tso"), ("jun", "chün"), ("xue", "hsüeh"), ("si", "ssu"), ("ci", "tz'u"), ("ye", "yeh"),
    ("er", "erh"), ("ke", "k'o"), ("shi", "shih"), ("ri", "jih"), ("cong", "ts'ung"), ("xiong", "hsiung"),
])
def test_wade_giles(pinyin, wg):
    assert wade_giles(pinyin) == wg


@pytest.mark.parametrize("text,folded", [
    ("Hsü Chih-mo", "hsuchihmo"), ("Ch'en Ch'ing-yang", "chenchingyang"), ("Mao Tsê-tung", "maotsetung"),
    ("XU ZHI-MO", "xuzhimo"), ("Lǚ Dòngbīn", "ludongbin"), ("Xi’an", "xian"),
])
def test_fold(text, folded):
    assert fold(text) == folded


def test_syllable_forms_include_legacy_and_v():
    assert {"xu", "hsu"} <= syllable_forms("xu")
    assert {"lü".replace("ü", "u"), "lv", "lyu"} <= syllable_forms("lü")


@pytest.mark.parametrize("spelling,part,pinyin", [
    ("Xu Zhimo", "full", True), ("Xuzhimo", "full", True), ("Xu Zhi Mo", "full", True),
    ("Zhimo Xu", "reversed", True), ("Hsu Chih-mo", "full", False), ("Chih-mo Hsu", "reversed", False),
    ("Zhimo", "given", True), ("Chihmo", "given", False), ("Xu", "family", True),
])
def test_name_keys(spelling, part, pinyin):
    keys = name_keys(("xu",), ("zhi", "mo"))
    assert keys[fold(spelling)] == (part, pinyin)


def test_name_keys_do_not_match_another_name():
    keys = name_keys(("xu",), ("zhi", "mo"))
    assert fold("Xu Zhiming") not in keys and fold("Zhao Zhimo") not in keys
