"""Import follows the rules of editing in the window: one status rule, one set of field checks,
and never a read of the open database's own files."""
from __future__ import annotations

import datetime as dt
import pathlib

import pytest

from app.core import status_rule
from app.core import validation as v
from app.core.model import PolicyTrackerError, ValidationError
from app.exchange import csvio, jsonio
from app.services import editing, sources
from app.store import guard

FW = {"id": "fw-1", "title": "Digital plan", "actor": None, "description": ""}


def _item(**fields) -> dict:
    item = {"id": "item-1", "framework_id": "fw-1", "parent_id": None, "ref": "1.1", "kind": "goal",
            "title": "Connect every village", "description": "", "actor": None, "status": "proposed",
            "due_on": None, "tags": [], "created_at": "2024-01-01T00:00:00.000Z",
            "updated_at": "2024-01-01T00:00:00.000Z", "citations": [], "status_updates": [],
            "target": None, "observations": []}
    item.update(fields)
    return item


def _doc(*items, sources=(), frameworks=(FW,)) -> dict:
    return {"format": "policy-tracker", "version": 1, "statuses": [], "sources": list(sources),
            "frameworks": list(frameworks), "items": list(items), "relations": []}


def _update(uid, status, as_of, created_at="2024-07-01T09:00:00.000Z", **more) -> dict:
    return {"id": uid, "status": status, "as_of": as_of, "note": "", "author": "", "created_at": created_at, **more}


def _tracked_item(store) -> str:
    """An item made in the window's way: created, then one update (in_progress as of 2024-03-01)."""
    editing.create_framework(store, FW["title"], framework_id=FW["id"])
    iid, _ = editing.create_item(store, {"framework_id": "fw-1", "kind": "goal", "title": "Connect every village",
                                         "ref": "1.1"}, item_id="item-1")
    editing.add_status_update(store, iid, "in_progress", "2024-03-01", update_id="u-first")
    return iid


# -- 1. one status rule ----------------------------------------------------------------------------
def test_rule_orders_by_as_of_then_created_at_then_id():
    """The latest update is the one with the latest as_of, then created_at, then id."""
    ups = [_update("b", "achieved", "2024-05-01", "2024-05-01T08:00:00.000Z"),
           _update("a", "stalled", "2024-05-01", "2024-05-01T09:00:00.000Z"),
           _update("z", "proposed", "2024-04-30", "2024-06-01T00:00:00.000Z")]
    assert status_rule.current_status("unknown", ups) == "stalled"
    tie = [_update("a", "achieved", "2024-05-01", "2024-05-01T08:00:00.000Z"),
           _update("b", "abandoned", "2024-05-01", "2024-05-01T08:00:00.000Z")]
    assert status_rule.latest_update(tie)["id"] == "b"


def test_rule_keeps_the_own_status_without_updates():
    """An item with no update keeps the status it was given."""
    assert status_rule.current_status("partially_achieved", []) == "partially_achieved"
    assert status_rule.latest_update([]) is None


def test_rule_picks_what_the_store_calls_latest(empty_store):
    """The pure rule and the store's ORDER BY agree, ties on as_of and created_at included."""
    iid = _tracked_item(empty_store)
    with empty_store.write():
        for uid, status, created in (("u-b", "achieved", "2024-05-02T10:00:00.000Z"),
                                     ("u-c", "stalled", "2024-05-02T10:00:00.000Z"),
                                     ("u-a", "abandoned", "2024-05-02T11:00:00.000Z")):
            empty_store.insert_status_update({"id": uid, "item_id": iid, "status": status, "as_of": "2024-05-02",
                                              "note": "", "author": "", "created_at": created})
    rows = empty_store.status_updates_for_item(iid)
    assert status_rule.latest_update(rows)["id"] == "u-a"
    assert empty_store.latest_status(iid)["status"] == status_rule.current_status("unknown", rows) == "abandoned"


def test_editing_an_earlier_update_keeps_the_status_and_withdrawing_the_latest_goes_back(empty_store):
    """In the window: an update dated before the latest one does not move the status; withdrawing
    the latest one returns to the one before it."""
    iid = _tracked_item(empty_store)
    editing.add_status_update(empty_store, iid, "stalled", "2024-01-15", update_id="u-old")
    assert empty_store.get_item(iid)["status"] == "in_progress"
    editing.add_status_update(empty_store, iid, "achieved", "2024-06-01", update_id="u-new")
    assert empty_store.get_item(iid)["status"] == "achieved"
    editing.remove_status_update(empty_store, "u-new")
    assert empty_store.get_item(iid)["status"] == "in_progress"


def test_import_of_a_later_update_moves_the_status(empty_store):
    """An imported update dated after the item's latest one gives the item its status."""
    iid = _tracked_item(empty_store)
    doc = jsonio.export_document(empty_store)
    doc["items"][0]["status_updates"].append(_update("u-later", "achieved", "2024-06-01"))
    report = jsonio.import_document(empty_store, doc)
    assert empty_store.get_item(iid)["status"] == "achieved"
    assert report.added == {"status_updates": 1} and report.updated == {"items": 1}


def test_import_of_an_earlier_update_does_not_move_the_status(empty_store):
    """An imported update dated before the item's latest one joins the history only."""
    iid = _tracked_item(empty_store)
    doc = jsonio.export_document(empty_store)
    doc["items"][0]["status_updates"].append(_update("u-earlier", "stalled", "2024-01-15"))
    jsonio.import_document(empty_store, doc)
    assert empty_store.get_item(iid)["status"] == "in_progress"
    assert [u["id"] for u in empty_store.status_updates_for_item(iid)] == ["u-first", "u-earlier"]


def test_an_older_copy_of_the_item_still_brings_its_later_update(empty_store):
    """The item's fields come from the newer copy, but a later update moves the status either way."""
    iid = _tracked_item(empty_store)
    old = _item(title="Old title", status="in_progress", updated_at="2000-01-01T00:00:00.000Z",
                status_updates=[_update("u-later", "partially_achieved", "2024-04-01")])
    jsonio.import_document(empty_store, _doc(old))
    row = empty_store.get_item(iid)
    assert (row["title"], row["status"]) == ("Connect every village", "partially_achieved")


def test_a_status_that_disagrees_with_its_own_history_yields_the_history(empty_store):
    """The reported bug: a new item stated as not_started whose newest update says achieved."""
    doc = _doc(_item(status="not_started", status_updates=[_update("u1", "not_started", "2024-01-10"),
                                                          _update("u2", "achieved", "2024-05-20")]))
    report = jsonio.import_document(empty_store, doc)
    assert empty_store.get_item("item-1")["status"] == "achieved"
    assert report.status_from_history == ["1.1 Connect every village"]
    assert "take the status of their latest update" in report.summary()


def test_a_newer_copy_cannot_overrule_the_files_history(empty_store):
    """A newer copy stating another status, with no update of its own, keeps the file's history's status."""
    iid = _tracked_item(empty_store)
    newer = _item(title="Connect every village and school", status="abandoned",
                  updated_at=v.timestamp(dt.datetime.now(dt.timezone.utc).isoformat(), "updated_at"))
    jsonio.import_document(empty_store, _doc(newer))
    row = empty_store.get_item(iid)
    assert (row["title"], row["status"]) == ("Connect every village and school", "in_progress")


def test_a_status_with_no_history_is_kept_as_creating_an_item_keeps_it(empty_store):
    """With no update at all, an imported item keeps its stated status, as create_item does."""
    jsonio.import_document(empty_store, _doc(_item(id="imported", status="partially_achieved")))
    iid, _ = editing.create_item(empty_store, {"framework_id": "fw-1", "kind": "goal", "title": "Made here",
                                               "status": "partially_achieved"})
    assert empty_store.get_item("imported")["status"] == empty_store.get_item(iid)["status"] == "partially_achieved"


def test_update_without_created_at_is_ordered_by_the_moment_it_is_written(empty_store):
    """An update given without created_at is stored with the import's moment, which the rule used:
    on the same as_of it comes after the file's own update."""
    iid = _tracked_item(empty_store)
    doc = jsonio.export_document(empty_store)
    doc["items"][0]["status_updates"].append({"id": "u-same-day", "status": "stalled", "as_of": "2024-03-01"})
    jsonio.import_document(empty_store, doc)
    assert empty_store.get_item(iid)["status"] == "stalled"
    assert empty_store.latest_status(iid)["status"] == "stalled"


def test_timestamps_are_stored_in_the_databases_own_form(empty_store):
    """created_at with an offset is stored as UTC in the database's form, so text order is time order."""
    ups = [_update("u-early", "achieved", "2024-05-01", "2024-05-01T10:30:00+02:00"),  # 08:30 UTC
           _update("u-late", "stalled", "2024-05-01", "2024-05-01T09:00:00Z")]
    jsonio.import_document(empty_store, _doc(_item(status="stalled", status_updates=ups,
                                                   created_at="2024-01-01T03:00:00+03:00")))
    assert empty_store.get_status_update("u-early")["created_at"] == "2024-05-01T08:30:00.000Z"
    assert empty_store.get_item("item-1")["created_at"] == "2024-01-01T00:00:00.000Z"
    assert empty_store.get_item("item-1")["status"] == "stalled"


# -- 2. one set of field checks ---------------------------------------------------------------------------
# (field, value, what the window's form stores): import must store exactly the same
ACCEPTED = [
    ("ref", "R" * 150, "R" * 150),           # import used to refuse refs over 100 characters
    ("ref", "  2.3  ", "2.3"),               # import used to keep the spaces
    ("title", "  Padded title ", "Padded title"),
    ("actor", "  Ministry  ", "Ministry"),
    ("actor", "", None),                     # import used to store ""
    ("tags", [" ai ", "ai", "", "broadband"], ["ai", "broadband"]),  # import refused "" and kept repeats
    ("tags", "ai, broadband", ["ai", "broadband"]),
    ("due_on", " 2030-12-31 ", "2030-12-31"),
]


@pytest.mark.parametrize("key,value,stored", ACCEPTED, ids=[f"{c[0]}={c[1]!r}"[:40] for c in ACCEPTED])
def test_import_stores_what_the_window_stores(empty_store, key, value, stored):
    """A value the item form accepts is imported, and stored exactly as the form stores it."""
    editing.create_framework(empty_store, FW["title"], framework_id=FW["id"])
    assert editing.clean_item_fields(empty_store, {key: value}, partial=True) == {key: stored}
    jsonio.import_document(empty_store, _doc(_item(**{key: value})))
    assert empty_store.get_item("item-1")[key] == stored


# (field, value, the words after the place): both the form and the import refuse
REFUSED = [
    ("ref", "R" * 201, "is 201 characters long; the limit is 200"),
    ("actor", "A" * 300, "is 300 characters long; the limit is 200"),   # import used to allow 500
    ("title", "   ", "cannot be empty"),
    ("title", "x" * 1001, "is 1,001 characters long; the limit is 1,000"),
    ("description", "a\x00b", "contains a NUL character"),
    ("tags", ["ok", "t" * 101], "tag 2 is 101 characters long; the limit is 100"),
    ("tags", [f"t{n}" for n in range(101)], "an item can have at most 100 tags"),
    ("tags", {"a": 1}, "must be a list of words"),
    ("due_on", "2025-02-30", "'2025-02-30' is not a real date; write it as YYYY-MM-DD"),
    ("kind", "wish", "'wish' is not one of: goal, target, proposal, priority, commitment, indicator"),
    ("status", "on_fire", "'on_fire' is not a known status"),
    ("status", ["a", "list"], "'['a', 'list']' is not a known status"),
]


@pytest.mark.parametrize("key,value,words", REFUSED, ids=[f"{c[0]}-{n}" for n, c in enumerate(REFUSED)])
def test_import_refuses_what_the_window_refuses(empty_store, key, value, words):
    """A value the item form refuses is refused by the import, in one sentence naming its place."""
    editing.create_framework(empty_store, FW["title"], framework_id=FW["id"])
    with pytest.raises(ValidationError) as form:
        editing.clean_item_fields(empty_store, {key: value}, partial=True)
    assert form.value.field == key
    with pytest.raises(ValidationError) as imp:
        jsonio.import_document(empty_store, _doc(_item(**{key: value})))
    assert str(imp.value) == f"items[0].{key}: {words}"
    assert empty_store.count_items() == 0


def _tomorrow() -> str:
    return (dt.date.today() + dt.timedelta(days=1)).isoformat()


def test_an_update_dated_in_the_future_is_refused_by_both(empty_store):
    """As in the window, an update may not speak for a day after today."""
    iid = _tracked_item(empty_store)
    with pytest.raises(ValidationError, match="is in the future"):
        editing.add_status_update(empty_store, iid, "achieved", _tomorrow())
    doc = _doc(_item(id="item-2", status_updates=[_update("u9", "achieved", _tomorrow())]))
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, doc)
    assert str(e.value) == f"items[0].status_updates[0].as_of: the as-of date {_tomorrow()} is in the future"


def test_an_update_author_obeys_the_window_limit_and_is_trimmed(empty_store):
    """Author: trimmed, at most 200 characters, in the window and the import alike."""
    iid = _tracked_item(empty_store)
    with pytest.raises(ValidationError, match="limit is 200"):
        editing.add_status_update(empty_store, iid, "achieved", "2024-04-01", author="a" * 201)
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, _doc(_item(status_updates=[_update("u9", "achieved", "2024-04-01",
                                                                               author="a" * 201)])))
    assert str(e.value) == "items[0].status_updates[0].author: is 201 characters long; the limit is 200"
    jsonio.import_document(empty_store, _doc(_item(status_updates=[_update("u9", "achieved", "2024-04-01",
                                                                           author="  Ana  ")])))
    assert empty_store.get_status_update("u9")["author"] == "Ana"


def test_a_target_dated_before_its_baseline_is_refused_by_both(empty_store):
    """The window refuses a target date before the baseline date; so does the import now."""
    bad = {"unit": "%", "baseline": 10, "baseline_on": "2024-01-01", "target": 90, "target_on": "2023-01-01",
           "direction": "increase"}
    with pytest.raises(ValidationError, match="before the baseline date"):
        editing.clean_target(bad)
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, _doc(_item(target=bad)))
    assert str(e.value) == "items[0].target.target_on: the target date is before the baseline date"


def test_a_target_number_typed_as_text_is_read_as_the_window_reads_it(empty_store):
    """A number given as text ("90") is read alike by the target form and the import."""
    target = {"unit": "%", "target": "90", "baseline": " 12.5 "}
    assert editing.clean_target(target)["target"] == 90.0
    jsonio.import_document(empty_store, _doc(_item(target=target)))
    assert empty_store.get_target("item-1") == {"unit": "%", "baseline": 12.5, "baseline_on": None, "target": 90.0,
                                                "target_on": None, "direction": "increase"}


def test_an_observation_that_is_not_a_number_is_refused_by_both(empty_store):
    """An observed value must be a finite number in both paths."""
    iid = _tracked_item(empty_store)
    with pytest.raises(ValidationError, match="is not a number"):
        editing.add_observation(empty_store, iid, "lots", "2024-02-01")
    obs = [{"id": "o1", "value": "lots", "observed_on": "2024-02-01"}]
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, _doc(_item(id="item-2", observations=obs)))
    assert str(e.value) == "items[0].observations[0].value: 'lots' is not a number"


def test_a_framework_actor_obeys_the_window_limit(empty_store):
    """A framework's actor is limited to 200 characters (import used to allow 500)."""
    with pytest.raises(ValidationError, match="limit is 200"):
        editing.create_framework(empty_store, "Plan", actor="A" * 201)
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, _doc(frameworks=[{**FW, "actor": "A" * 201}]))
    assert str(e.value) == "frameworks[0].actor: is 201 characters long; the limit is 200"


def test_a_source_web_address_must_be_http_or_https_in_both(empty_store):
    """The import refuses a source link that is not http/https, as adding a source does."""
    src = {"id": "s1", "title": "Speech", "text": "We will connect every village.", "url": "javascript:alert(1)"}
    with pytest.raises(ValidationError, match="must start with http:// or https://"):
        sources.add_source(empty_store, src["text"], title="Speech", url=src["url"])
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, _doc(sources=[src], frameworks=[]))
    assert str(e.value) == "sources[0].url: the web address (URL) must start with http:// or https://"
    assert not empty_store.list_sources()
    jsonio.import_document(empty_store, _doc(sources=[{**src, "url": " https://example.org/speech "}], frameworks=[]))
    assert empty_store.get_source("s1")["url"] == "https://example.org/speech"


def test_csv_cells_obey_the_window_rules(empty_store, tmp_path):
    """A CSV sheet is checked by the same rules: a 150-character ref is fine, a 201-character one is not."""
    sheet = tmp_path / "items.csv"
    sheet.write_text("framework,ref,kind,title,actor\r\nPlan," + "R" * 150 + ",goal, Title ,\r\n", encoding="utf-8")
    csvio.import_csv(empty_store, sheet)
    row = empty_store.get_item(empty_store.item_ids()[0])
    assert (row["ref"], row["title"], row["actor"]) == ("R" * 150, "Title", None)
    sheet.write_text("framework,ref,kind,title\r\nPlan," + "R" * 201 + ",goal,Title\r\n", encoding="utf-8")
    with pytest.raises(ValidationError) as e:
        csvio.import_csv(empty_store, sheet)
    assert str(e.value) == "items.csv line 2: ref is 201 characters long; the limit is 200."


# -- 3. never the open database's own files ----------------------------------------------------------------
@pytest.fixture
def registered(empty_store):
    """The empty store's file as the guard sees it (registered by the Store, or here if not yet)."""
    own = None if guard.is_open_here(empty_store.path) else guard.register(empty_store.path, wal=True)
    empty_store.count_items()  # a read, so SQLite holds its locks
    entry = guard._open[guard._key(empty_store.path)]
    yield empty_store, entry
    if own is not None:
        guard.release(own)


@pytest.mark.parametrize("suffix", ["", "-wal"])
@pytest.mark.parametrize("reader", ["json", "csv"])
def test_importing_the_open_database_is_refused_untouched(registered, monkeypatch, suffix, reader):
    """Importing the open database (or its -wal) is refused in the guard's sentence before the file is
    stat'ed or opened, and the connection's locks still hold afterwards."""
    store, entry = registered
    target = pathlib.Path(f"{store.path}{suffix}")
    assert entry.lost() is None

    def touched(*a, **k):
        raise AssertionError("the database's own file was stat'ed or opened")
    caught = None
    with monkeypatch.context() as m:  # undone before pytest itself needs Path.stat again
        m.setattr(pathlib.Path, "stat", touched)
        m.setattr(pathlib.Path, "read_bytes", touched)
        try:
            jsonio.load_file(target) if reader == "json" else csvio.import_csv(store, target)
        except Exception as exc:  # noqa: BLE001 - checked just below
            caught = exc
    assert isinstance(caught, PolicyTrackerError), caught
    assert str(caught) == (f"{target.name} is part of the open database {store.path.name}, so it cannot be used "
                           f"as a file to import; choose another file.")
    assert entry.lost() is None


def test_another_file_in_the_same_folder_is_imported(registered, tmp_path):
    """The refusal is about the database's own files only: a document beside it imports."""
    store, entry = registered
    path = store.path.parent / "plan.json"
    path.write_text(jsonio.dumps(_doc(_item())), encoding="utf-8")
    jsonio.import_document(store, jsonio.load_file(path))
    assert store.get_item("item-1")["title"] == "Connect every village" and entry.lost() is None


def test_placed_names_the_place_in_the_importers_form():
    """A field rule's sentence becomes `place: words` (the field label gives way to the place)."""
    with pytest.raises(ValidationError) as e:
        v.clean_text("x" * 201, "ref", limit=200)
    assert v.placed("items[3].ref", e.value) == "items[3].ref: is 201 characters long; the limit is 200"


# -- 4. vocabulary, keys and text that lies (issue 18) ------------------------------------------------------
def _statuses(store, *extra) -> list[dict]:
    """The file's statuses as an export gives them, plus `extra` entries."""
    return [*jsonio.export_document(store)["statuses"], *extra]


def _snapshot(store) -> tuple:
    return (store.status_rows(), store.count_items(), store.item_kinds(), store.relation_kinds())


def test_a_label_swap_of_two_built_in_statuses_is_refused(store):
    """The reported hole: swapping the labels of not_started and achieved is refused naming the entry."""
    statuses = _statuses(store)
    i, j = [n for n, s in enumerate(statuses) if s["key"] in ("not_started", "achieved")]
    statuses[i]["label"], statuses[j]["label"] = statuses[j]["label"], statuses[i]["label"]
    before = _snapshot(store)
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(store, {**_doc(), "frameworks": [], "statuses": statuses})
    assert str(e.value) == f"statuses[{i}]: 'not_started' is built in; its label cannot be changed by an import"
    assert _snapshot(store) == before


def test_a_built_in_description_cannot_be_changed_either(store):
    """Giving a built-in status another meaning (its description) is refused too."""
    doc = {**_doc(), "frameworks": [], "statuses": [{"key": "achieved", "label": "Achieved",
                                                     "description": "Announced."}]}
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(store, doc)
    assert str(e.value) == "statuses[0]: 'achieved' is built in; its description cannot be changed by an import"


def test_repeating_the_built_in_vocabulary_exactly_is_nothing_new(store):
    """A document that repeats every built-in status (and kinds) as they are adds nothing and says so."""
    from app.core.model import BUILT_IN
    kinds = [{"key": k, "label": lab, "description": d} for k, (lab, d) in BUILT_IN["item_kinds"].items()]
    doc = {**_doc(), "frameworks": [], "statuses": _statuses(store), "item_kinds": kinds,
           "relation_kinds": [{"key": "supports", "label": "Supports"}]}
    before = _snapshot(store)
    report = jsonio.import_document(store, doc)
    assert report.summary() == "Nothing new to add."
    assert _snapshot(store) == before


def test_a_new_status_is_added_only_as_the_summary_says(empty_store):
    """A custom status is added, and the summary names its key and label."""
    doc = _doc(_item(status="on_hold"))
    doc["statuses"] = [{"key": "on_hold", "label": "On hold", "description": "Paused by the ministry."}]
    report = jsonio.import_document(empty_store, doc)
    assert report.summary() == "Added 1 frameworks, 1 items; adds status 'on_hold' (label 'On hold')."
    assert empty_store.status_rows()["on_hold"]["label"] == "On hold"
    assert jsonio.import_document(empty_store, doc).summary() == "Nothing new to add."  # repeated: nothing new


def test_a_status_already_in_the_file_cannot_be_relabelled(empty_store):
    """A custom status the file has keeps its label: an import that relabels it is refused."""
    doc = _doc(frameworks=())
    doc["statuses"] = [{"key": "on_hold", "label": "On hold"}]
    jsonio.import_document(empty_store, doc)
    doc["statuses"] = [{"key": "on_hold", "label": "Achieved soon"}]
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, doc)
    assert str(e.value) == "statuses[0]: 'on_hold' is already in the file; its label cannot be changed by an import"


@pytest.mark.parametrize("label", ["Achieved", "  achieved ", "ACHIEVED", "Ａｃｈｉｅｖｅｄ"])
def test_a_new_status_cannot_wear_a_built_in_label(empty_store, label):
    """A new status labelled like a built-in one (case, spacing, full-width forms) is refused."""
    doc = _doc(frameworks=())
    doc["statuses"] = [{"key": "achieved_too", "label": label}]
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, doc)
    assert str(e.value) == (f"statuses[0].label: '{label.strip()}' is already the label of the status 'achieved'; "
                            f"give 'achieved_too' a label of its own")


def test_a_look_alike_key_is_refused_naming_the_character(empty_store):
    """The reported hole: 'achieved' spelled with a Cyrillic а, labelled Achieved, is refused."""
    doc = _doc(_item(status="\u0430chieved"))
    doc["statuses"] = [{"key": "\u0430chieved", "label": "Achieved"}]
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, doc)
    assert str(e.value) == ("statuses[0].key: 'аchieved' holds U+0430 CYRILLIC SMALL LETTER A, which is not "
                            "allowed; a key may hold only a-z, 0-9 and _")
    assert "\u0430chieved" not in empty_store.status_rows()


def test_kinds_cannot_be_added_or_relabelled(empty_store):
    """Item and relation kinds are the app's own: a new one or a relabelled one is refused."""
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, {**_doc(), "item_kinds": [{"key": "wish", "label": "Wish"}]})
    assert str(e.value) == "item_kinds[0].key: 'wish' is not an item kind of this app; an import cannot add item kinds"
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, {**_doc(), "relation_kinds": [{"key": "supports", "label": "Opposes"}]})
    assert str(e.value) == "relation_kinds[0]: 'supports' is built in; its label cannot be changed by an import"


def test_a_status_key_repeated_in_the_document_is_refused(empty_store):
    """Two entries for one key would leave which one counts to chance: refused."""
    doc = _doc(frameworks=())
    doc["statuses"] = [{"key": "on_hold", "label": "On hold"}, {"key": "on_hold", "label": "Held"}]
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, doc)
    assert str(e.value) == "statuses[1].key: repeats the status 'on_hold' of statuses[0]"


def test_an_override_in_a_title_is_removed_and_kept_in_the_description(empty_store):
    """U+202E leaves titles, refs, tags and labels on import; the description keeps it."""
    doc = _doc(_item(title="Pay \u202eevig\u202c debt", ref="\u20661.1\u2069", tags=["wa\u202eter"],
                     description="Long \u202etext", status="on_hold"))
    doc["statuses"] = [{"key": "on_hold", "label": "On \u202ehold"}]
    doc["frameworks"] = [{**FW, "title": "Plan \u202e2030"}]
    jsonio.import_document(empty_store, doc)
    row = empty_store.get_item("item-1")
    assert (row["title"], row["ref"], row["tags"], row["description"]) == \
        ("Pay evig debt", "1.1", ["water"], "Long \u202etext")
    assert empty_store.get_framework("fw-1")["title"] == "Plan 2030"
    assert empty_store.status_rows()["on_hold"]["label"] == "On hold"


# -- 5. imported history obeys the rules (issue 18) -----------------------------------------------------------
def _now(minutes: float = 0) -> str:
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=minutes)
    return v.timestamp(moment.isoformat(), "now")


def test_a_newer_copy_without_an_update_cannot_move_a_status(store):
    """The reported hole: a copy of an item with no history, dated now, says 'achieved'; the status stays."""
    fid = store.list_frameworks()[0]["id"]
    iid, _ = editing.create_item(store, {"framework_id": fid, "kind": "goal", "title": "Open ten clinics",
                                         "status": "not_started"})
    doc = jsonio.export_document(store)
    item = next(it for it in doc["items"] if it["id"] == iid)
    before = item["status"]
    item.update(status="achieved", title=item["title"] + " (revised)", updated_at=_now())
    doc["items"] = [item]
    report = jsonio.import_document(store, doc)
    row = store.get_item(item["id"])
    assert (row["status"], row["title"]) == (before, item["title"])
    assert report.status_kept == [jsonio._label(item)]
    assert report.summary().endswith("1 item(s) keep their status, as the document gives no dated update "
                                     "for the one it states.")


@pytest.mark.parametrize("where,edit", [
    ("items[0].updated_at", lambda it: it.update(updated_at="2999-01-01T00:00:00Z")),
    ("items[0].created_at", lambda it: it.update(created_at="2999-01-01T00:00:00Z")),
    ("items[0].status_updates[0].created_at",
     lambda it: it["status_updates"].append(_update("u1", "achieved", "2024-01-01", "2999-01-01T00:00:00Z"))),
    ("items[0].observations[0].observed_on",
     lambda it: it["observations"].append({"id": "o1", "value": 1, "observed_on": "2999-01-01"})),
])
def test_no_imported_moment_or_date_may_be_in_the_future(empty_store, where, edit):
    """A moment after now plus ten minutes, or a date after today, is refused naming its field."""
    item = _item()
    edit(item)
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, _doc(item))
    assert str(e.value).startswith(f"{where}: 2999-01-01") and "is in the future (after " in str(e.value)
    assert empty_store.count_items() == 0


def test_a_source_published_in_the_future_is_refused(empty_store):
    """A source's publication date may not be after today."""
    src = {"id": "s1", "title": "Speech", "text": "We will connect every village.", "published_on": "2999-01-01"}
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, _doc(sources=[src], frameworks=[]))
    assert str(e.value) == f"sources[0].published_on: 2999-01-01 is in the future (after {dt.date.today()}, today)"


def test_moments_within_the_clock_allowance_pass(empty_store):
    """A colleague's clock five minutes ahead is not refused; due and target dates may lie ahead."""
    item = _item(updated_at=_now(5), due_on="2999-01-01",
                 target={"unit": "%", "target": 90, "target_on": "2999-01-01"})
    jsonio.import_document(empty_store, _doc(item))
    assert empty_store.get_item("item-1")["due_on"] == "2999-01-01"


# -- 6. prepare before the transaction, linear checks, cancel (issue 18) -----------------------------------
def test_a_loop_of_parents_is_found_where_it_starts(empty_store):
    """A chain of 3,000 items whose last one points back into it is refused at the first item leading in."""
    n = 3_000
    items = [_item(id=f"i{k}", parent_id=f"i{k + 1}" if k + 1 < n else "i1500") for k in range(n)]
    with pytest.raises(ValidationError) as e:
        jsonio.validate_document(_doc(*items))
    assert str(e.value) == "items[0].parent_id: makes the item a parent of itself (a loop of parents)"
    items[-1]["parent_id"] = None
    assert len(jsonio.validate_document(_doc(*items))["items"]) == n


def test_a_loop_through_an_item_the_file_has_is_found(empty_store):
    """Document item -> file's item -> document item is a loop too."""
    jsonio.import_document(empty_store, _doc(_item(id="a"), _item(id="b", parent_id="a")))
    with pytest.raises(ValidationError) as e:
        jsonio.validate_document(_doc(_item(id="a", parent_id="b")), empty_store)
    assert str(e.value) == "items[0].parent_id: makes the item a parent of itself (a loop of parents)"


def _cited_doc(text="We will connect every village. Then every school.") -> dict:
    src = {"id": "s1", "title": "Speech", "text": text}
    return _doc(_item(citations=[{"id": "c1", "source_id": "s1", "quote": "every school"}]), sources=[src])


def test_quotes_are_placed_before_the_write_transaction(empty_store, monkeypatch):
    """prepare_import places every quote outside any transaction and writes nothing; apply only writes."""
    from app.core import anchoring
    seen = []
    real = anchoring.anchor
    monkeypatch.setattr(anchoring, "anchor", lambda *a, **k: seen.append(empty_store.in_write) or real(*a, **k))
    prepared = jsonio.prepare_import(empty_store, _cited_doc())
    assert seen == [False] and empty_store.count_items() == 0
    jsonio.import_document(empty_store, prepared)
    assert seen == [False]  # not placed again inside the transaction
    c = empty_store.get_citation("c1")
    assert (c["start"], c["end"]) == (36, 48)


def test_prepare_can_be_cancelled_and_writes_nothing(empty_store):
    """A cancel check answering True stops preparing with ImportCancelled, a core.model.Cancelled."""
    from app.core.model import Cancelled
    with pytest.raises(Cancelled):
        jsonio.prepare_import(empty_store, _cited_doc(), cancelled=lambda: True)
    calls = []
    with pytest.raises(jsonio.ImportCancelled):
        jsonio.prepare_import(empty_store, _cited_doc(), progress=lambda done, total: calls.append((done, total)) and 0
                              or False)
    assert calls == [(1, 1)] and empty_store.count_items() == 0


def test_a_file_changed_after_prepare_is_checked_again(empty_store, empty_path):
    """If another program deletes the parent a prepared item points at, apply refuses in one sentence."""
    from app.store.store import Store
    jsonio.import_document(empty_store, _doc(_item(id="parent")))
    prepared = jsonio.prepare_import(empty_store, _doc(_item(id="child", parent_id="parent")))
    with Store(empty_path) as other:
        with other.write():
            other.delete_items(["parent"])
    with pytest.raises(ValidationError) as e:
        jsonio.import_document(empty_store, prepared)
    assert str(e.value) == "items[0].parent_id: 'parent' is not an item in the document or the file"
    assert empty_store.count_items() == 0


def test_a_prepared_import_undoes_and_redoes(empty_store):
    """ImportDocument takes a prepared document: undo removes what it added, redo adds it again."""
    from app.services import operations as ops
    h = ops.History(empty_store)
    h.do(ops.ImportDocument(jsonio.prepare_import(empty_store, _cited_doc()), jsonio.import_document, "Import"))
    assert empty_store.count_items() == 1
    h.undo()
    assert empty_store.count_items() == 0
    h.redo()
    assert empty_store.get_citation("c1")["start"] == 36
