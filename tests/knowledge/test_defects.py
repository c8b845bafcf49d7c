"""Known defects: shown with each group of their service and matched against the node's version."""

from diag_helpers import CUCM_BASE, make_bundle, make_listing, make_load, make_node

from ucnb.diagnosis.diagnose import analyze, diagnose
from ucnb.faces.tree import format_analysis
from ucnb.knowledge.catalogue import load_catalogue
from ucnb.knowledge.defects import Defect, match
from ucnb.model.results import Identity

BUG = Defect(
    "CSCzz00001",
    "zombies under AMC",
    ("12.5.1", "14.0.1"),
    ("14.0.1.13900-155",),
    "https://bst.cloudapps.cisco.com/bugsearch/bug/CSCzz00001",
)


def test_version_matching():
    assert match(BUG, "14.0.1.12900-161").applies is True
    assert "fixed in: 14.0.1.13900-155" in match(BUG, "14.0.1.12900-161").why
    assert match(BUG, "14.0.1.13900-155").applies is False  # the fixed build itself
    assert match(BUG, "14.0.1.14900-11").applies is False
    assert match(BUG, "12.5.1.11900-146").applies is True  # affected, no fix in its train
    assert match(BUG, "15.0.1.10000-32").applies is False
    assert match(BUG, None).applies is None and "show version active" in match(BUG, None).why


def test_defects_and_collect_before_in_the_analysis(tmp_path):
    text = (
        '[[collect_before]]\ncommand = "show process list detail"\nwhy = "the zombies and their parent"\n'
        '[[collect_before]]\nwhy = "the {service} traces"\n'
        '[[service]]\nname = "Cisco AMC Service"\nproducts = ["CUCM"]\nprocesses = ["amc"]\nimpact = "low"\n'
        '[[service.collect_before]]\ncommand = "file list activelog cm/trace/amc"\nwhy = "AMC logs"\n'
        '[[service.defects]]\nid = "CSCzz00001"\ntitle = "zombies under AMC"\naffected = ["14.0.1"]\n'
        'fixed = ["14.0.1.13900-155"]\nsource = "https://bst.cloudapps.cisco.com/bugsearch/bug/CSCzz00001"\n'
    )
    path = tmp_path / "services.toml"
    path.write_text(text)
    catalogue = load_catalogue(path)
    rows = CUCM_BASE + [
        (29815, 4012, "c", "S", "/usr/local/cm/bin/amc"),
        (22908, 29815, "c", "Z", "[sh] <defunct>"),
    ]
    node = make_node("cucm-sub1", "CUCM", listing=make_listing(rows), loads=[make_load(1)])
    node.identity = Identity(hostname="cucm-sub1", version="14.0.1.12900-161")
    analysis = analyze(make_bundle(node), catalogue=catalogue)
    group = analysis["nodes"][0]["groups"][0]
    assert group["collect_before"] == [
        {"command": "show process list detail", "why": "the zombies and their parent"},
        {"command": None, "why": "the Cisco AMC Service traces"},
        {"command": "file list activelog cm/trace/amc", "why": "AMC logs"},
    ]
    (defect,) = group["defects"]
    assert defect["id"] == "CSCzz00001" and defect["applies"] is True
    assert defect["source"].startswith("https://")
    out = format_analysis(diagnose(make_bundle(node), catalogue=catalogue))
    assert "before you restart, capture (the evidence goes with the parent):" in out
    assert "    admin:file list activelog cm/trace/amc  (AMC logs)" in out
    assert "known defect CSCzz00001 (Cisco AMC Service): zombies under AMC; applies" in out
    # a group owned by no service gets only the general steps that need no service name
    orphan = make_node("n", "CUCM", listing=make_listing(CUCM_BASE + [(4500, 1, "r", "Z", "[x] <defunct>")]))
    (group,) = analyze(make_bundle(orphan), catalogue=catalogue)["nodes"][0]["groups"]
    assert [c["why"] for c in group["collect_before"]] == ["the zombies and their parent"]
    assert group["defects"] == []
