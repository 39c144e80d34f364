"""Atomic writes: whole files or nothing, readable like any data file."""

from __future__ import annotations

import stat

import pytest

from dashboard.files import temporary_copy, write_atomically


def test_write_replaces_the_whole_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "events.geojson"
    target.write_text("old", encoding="utf-8")
    write_atomically(target, "new — ünïcode")
    assert target.read_text(encoding="utf-8") == "new — ünïcode"
    assert [p.name for p in tmp_path.iterdir()] == ["events.geojson"]
    assert stat.S_IMODE(target.stat().st_mode) == 0o644  # not mkstemp's private 0600


def test_a_failed_write_changes_nothing(tmp_path):
    target = tmp_path / "out.csv"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_atomically(target, 12345)  # neither text nor bytes
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_temporary_copy_sits_beside_its_file_until_renamed(tmp_path):
    temporary = temporary_copy(tmp_path / "a.json", b"{}")
    assert temporary.parent == tmp_path and temporary.name.startswith(".a.json.")
    assert temporary.read_bytes() == b"{}" and not (tmp_path / "a.json").exists()
