"""The settings file, presets, the user's own settings file, passwords, message templates and
the round_status contract — no servers needed."""

from __future__ import annotations

import dataclasses

import pytest

import ita_xlsx
from ita_xlsx.mail import compose
from ita_xlsx.mail.status import OrgStatus
from ita_xlsx.spec.settings import SettingsError, load_settings, password_for


def test_preset_fills_servers_and_own_keys_win(tmp_path):
    (tmp_path / "ita-settings.toml").write_text(
        '[mail]\npreset = "gmail"\nuser = "a@gmail.com"\nimap_port = 1993\n', encoding="utf-8")
    mail = load_settings(tmp_path, use_user_file=False).mail
    assert (mail.smtp_host, mail.port("smtp"), mail.smtp_security) == ("smtp.gmail.com", 465, "ssl")
    assert mail.port("imap") == 1993 and mail.configured


def test_user_settings_file_is_used_when_the_round_has_no_mail_section(tmp_path, monkeypatch):
    config = tmp_path / "config"
    (config / "ita-xlsx").mkdir(parents=True)
    (config / "ita-xlsx" / "ita-settings.toml").write_text(
        '[mail]\npreset = "mailgothai"\nuser = "saraban@amphoe.go.th"\n', encoding="utf-8")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("APPDATA", raising=False)
    round_dir = tmp_path / "round"
    round_dir.mkdir()
    (round_dir / "ita-settings.toml").write_text("[round]\nfiscal_year = 2570\n",
                                                 encoding="utf-8")
    settings = load_settings(round_dir)
    assert settings.round.fiscal_year == 2570
    assert settings.mail.smtp_host == "smtp.mail.go.th" and settings.mail.user.endswith(".go.th")


@pytest.mark.parametrize("text, words", [
    ('[mail]\nsmtp_hots = "x"\n', ["smtp_hots", "[mail]"]),
    ('[mail]\npreset = "yahoo"\n', ["yahoo", "preset"]),
    ("[mail\n", ["TOML"]),
])
def test_settings_errors_name_the_problem(tmp_path, text, words):
    (tmp_path / "ita-settings.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SettingsError) as info:
        load_settings(tmp_path, use_user_file=False)
    assert isinstance(info.value, ita_xlsx.ItaError) and info.value.exit_code == 2
    assert all(w in info.value.th for w in words)


def test_password_from_the_named_environment_variable(tmp_path, monkeypatch):
    (tmp_path / "ita-settings.toml").write_text(
        '[mail]\nuser = "a@b.test"\npassword_env = "MY_ITA_PW"\n', encoding="utf-8")
    mail = load_settings(tmp_path, use_user_file=False).mail
    monkeypatch.delenv("MY_ITA_PW", raising=False)
    assert password_for(mail) != "secret"  # nothing found yet (None, or a keyring entry)
    monkeypatch.setenv("MY_ITA_PW", "secret")
    assert password_for(mail) == "secret"
    assert "secret" not in (tmp_path / "ita-settings.toml").read_text(encoding="utf-8")


def test_message_template_placeholders():
    values = {p: f"<{p}>" for p in compose.PLACEHOLDERS}
    assert compose.fill({"subject": "{tag} {org_name}"}, "subject", values) == "<tag> <org_name>"
    with pytest.raises(compose.TemplateTextError):
        compose.check_texts({"body": "เรียน {ชื่อหน่วยงาน}"})
    assert compose.subject_tag(2570, "6", "6560101") == "[ITA2570-รอบ6-6560101]"
    assert compose.code_from_subject("RE: Fwd: [ITA2570-แผน-6560101] ส่งงาน") == "6560101"
    assert compose.code_from_subject("ส่งงานค่ะ") == ""


def test_round_status_contract(tmp_path):
    """The fields the web view (SERVE task) relies on, per CONTRACTS.md."""
    assert [f.name for f in dataclasses.fields(OrgStatus)] == [
        "code", "name", "emails", "sent_at", "send_error", "returned_files", "counting_file",
        "state", "why", "why_en", "validation", "errors", "warnings", "feedback_sent_at",
        "reminded_at", "replies"]
    (tmp_path / "orgs.csv").write_text("code,name,email\n1,ก,a@b.test; c@d.test\n",
                                       encoding="utf-8")
    (st,) = ita_xlsx.round_status(tmp_path)
    assert (st.code, st.emails, st.validation, st.sent_at) == ("1", ["a@b.test", "c@d.test"],
                                                               "missing", "")


def test_settings_saved_with_a_byte_order_mark_are_read(tmp_path):
    """Notepad on Windows may save UTF-8 with a byte-order mark; the settings still load."""
    import ita_xlsx

    (tmp_path / "ita-settings.toml").write_bytes(
        "\ufeff[district]\nname = \"อำเภอเชียงคำ\"\n".encode())
    assert ita_xlsx.load_settings(tmp_path).district.name == "อำเภอเชียงคำ"
