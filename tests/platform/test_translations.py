"""Every user-facing string is translated: zh-Hans complete, no fuzzy entries, catalogues compiled."""

from pathlib import Path

import polib
import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
ZH = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
EN = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_every_zh_hans_entry_is_translated_and_none_is_fuzzy() -> None:
    catalogue = polib.pofile(str(ZH))

    assert len(catalogue) > 50
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
    assert "fuzzy" not in catalogue.metadata_as_entry().flags


def test_both_catalogues_list_the_same_messages() -> None:
    zh = {(e.msgctxt, e.msgid) for e in polib.pofile(str(ZH))}
    en = {(e.msgctxt, e.msgid) for e in polib.pofile(str(EN))}

    assert zh == en


def test_the_catalogues_are_compiled() -> None:
    for po in (ZH, EN):
        assert po.with_suffix(".mo").exists(), f"{po} is not compiled: run make compilemessages"


@pytest.mark.parametrize(
    "password", ["short1!", "password1234", "31415926535897", "borrower@example.com-ish"]
)
def test_password_rules_speak_chinese(password: str, db: None) -> None:
    from accounts.models import User

    user = User(email="borrower@example.com")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        validate_password(password, user)

    for message in refused.value.messages:
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "portal:home",
        "portal:help",
        "education:index",
        "repayment:plan",
        "account_login",
        "account_signup",
        "account_reset_password",
    ],
)
def test_public_pages_have_no_english_left_in_chinese(client: Client, name: str) -> None:
    english = Client(HTTP_ACCEPT_LANGUAGE="en")
    zh_page = client.get(reverse(name)).content.decode()
    en_page = english.get(reverse(name)).content.decode()

    assert '<html lang="zh-hans">' in zh_page
    assert '<html lang="en">' in en_page
    for phrase in ["Skip to main content", "Log in", "Get help", "Change language"]:
        assert phrase in en_page
        assert phrase not in zh_page


def test_catalogues_compile_without_gettext_installed(tmp_path: Path, settings, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A fresh machine may have no msgfmt: polib compiles the catalogues instead, to the same effect."""
    import gettext
    import shutil as shutil_module

    from django.core.management import call_command

    locale = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    locale.mkdir(parents=True)
    (locale / "django.po").write_bytes(ZH.read_bytes())
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.setattr(shutil_module, "which", lambda name: None)

    call_command("compile_catalogues")

    compiled = gettext.GNUTranslations((locale / "django.mo").open("rb"))
    assert compiled.gettext("Get help") == "寻求帮助"
