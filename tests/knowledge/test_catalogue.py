"""The service catalogue: every row of services.md is in the data file, matching rules, validation."""

import re
from pathlib import Path

import pytest

from ucnb.errors import InputError
from ucnb.knowledge.catalogue import CATALOGUE, PRODUCTS, load_catalogue
from ucnb.knowledge.owner import find_owner, host_argument, match_process, match_special
from ucnb.model.graph import build_graph

# docs/services.md: the table the data file follows
SERVICES_MD = Path(__file__).resolve().parents[2] / "docs" / "services.md"


def _table_rows():
    rows = []
    for line in SERVICES_MD.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in ("CUCM", "IM&P", "CUC", "all"):
            rows.append(cells)
    return rows


def test_every_row_of_services_md_is_in_the_catalogue():
    rows = _table_rows()
    assert len(rows) > 60
    for product, display, process, impact in rows:
        processes = [p.strip() for p in process.split("/")]
        products = list(PRODUCTS) if product == "all" else ["IMnP" if product == "IM&P" else product]
        expected_impact = re.match(r"(low|medium|high)", impact).group(1)
        for proc in processes:
            hits = [s for s in CATALOGUE.services if proc in s.processes]
            assert len(hits) == 1, f"{proc} ({display}) is not in exactly one entry"
            service = hits[0]
            assert list(service.products) == products, display
            assert service.impact == expected_impact, display
            # display names: split rows ("Cisco DRF Local / Cisco DRF Master") map to one name each
            words = display.replace("(Alert Manager and Collector)", "").split()
            assert words[0] in service.name or service.name.startswith(words[0]), (display, service.name)


def test_restart_commands():
    assert CATALOGUE.service("Cisco AMC Service").restart_command == "utils service restart Cisco AMC Service"
    assert CATALOGUE.service("A Cisco DB").restart == (
        "utils service stop A Cisco DB",
        "utils service start A Cisco DB",
    )
    assert CATALOGUE.service("Cisco CallManager").impact == "high"


@pytest.mark.parametrize(
    ("comm", "command", "product", "expected"),
    [
        ("amc", None, "CUCM", "Cisco AMC Service"),
        ("amc", "/usr/local/cm/bin/amc", "CUC", "Cisco AMC Service"),
        ("tracecollection", None, "CUCM", "Cisco Trace Collection Service"),  # 15-char comm
        ("tracecollectio+", None, "CUCM", "Cisco Trace Collection Service"),  # top's +
        ("interClusterSyn", None, "IMnP", "Cisco Intercluster Sync Agent"),
        ("CiscoSyslogSubA", None, "CUC", "Cisco Syslog Agent"),
        (None, "/usr/local/cm/bin/cdrrep -x", "CUCM", "Cisco CDR Repository Manager"),
        (
            "java",
            "/usr/local/thirdparty/java/bin/java -Xmx128m -cp /usr/local/cm/jar/cdrrep.jar x",
            "CUCM",
            "Cisco CDR Repository Manager",
        ),
        (
            "java",
            "java -Dcatalina.base=/usr/local/tomcat org.apache.catalina.startup.Bootstrap",
            "CUC",
            "Cisco Tomcat",
        ),
        ("tomcat", None, "CUCM", "Cisco Tomcat"),
        ("ccm", "/usr/local/cm/bin/ccm", "CUCM", "Cisco CallManager"),
        ("CuFileSync", None, "CUC", "Connection File Syncer"),
        ("cm", None, "IMnP", "Cisco XCP Connection Manager"),
    ],
)
def test_match_process(comm, command, product, expected):
    service = match_process(comm, command, product)
    assert service is not None and service.name == expected


@pytest.mark.parametrize(
    ("comm", "command", "product"),
    [
        ("java", "java -Xmx256m com.cisco.Unknown", "CUCM"),  # java without telling arguments
        ("java", None, "CUCM"),
        ("ccm", None, "CUC"),  # CallManager is no Unity Connection service
        ("cm", None, "unknown"),  # too short to trust without a product
        ("tracecoll", None, "CUCM"),  # a prefix shorter than 15 without + is not the comm cap
        ("sh", "/bin/sh -c /usr/local/cm/bin/amc", "CUCM"),  # a helper, not the service
        ("perl", "/usr/bin/perl /usr/local/cm/bin/x.pl", "CUCM"),
        ("java", "java -cp cdrrep.jar:carschlr.jar x", "CUCM"),  # two candidates: never guess
        (None, None, "CUCM"),
    ],
)
def test_match_process_says_unknown_rather_than_guess(comm, command, product):
    assert match_process(comm, command, product) is None


def test_special_rule_imp_sftp_to_a_peer():
    assert match_special("sftp", "/usr/bin/sftp -oPort=22 admin@imp-sub1", "IMnP").id == "imp-peer-sftp"
    ssh = "/usr/bin/ssh -oForwardX11 no -oForwardAgent no -l admin -oProtocol 2 -s imp-sub1 sftp"
    assert match_special("ssh", ssh, "IMnP") is not None
    assert host_argument(ssh) == "imp-sub1"
    assert match_special("sftp", "/usr/bin/sftp admin@imp-sub1", "CUCM") is None  # IM&P only
    assert match_special("sftp", "/usr/bin/sftp", "IMnP") is None  # no peer named
    # with the cluster known, only its nodes count as peers
    assert match_special("sftp", "sftp admin@imp-sub1.example.com", "IMnP", peers={"imp-sub1"}) is not None
    assert match_special("sftp", "sftp backup@10.9.9.9", "IMnP", peers={"imp-sub1", "10.1.1.2"}) is None


def test_find_owner_walks_through_helpers_and_stops_at_servm():
    from diag_helpers import CUCM_BASE, make_listing

    g = build_graph(
        make_listing(
            CUCM_BASE
            + [
                (29815, 4012, "ccms", "Ssl", "/usr/local/cm/bin/amc"),
                (30001, 29815, "ccms", "S", "/bin/sh -c /usr/local/cm/bin/alert.sh"),
                (30002, 30001, "ccms", "S", "/usr/bin/perl /usr/local/cm/bin/alert.pl"),
                (30100, 4012, "ccms", "S", "/usr/local/cm/bin/mystery"),
                (30101, 30100, "ccms", "S", "/bin/bash -c x"),
            ]
        )
    )
    owner = find_owner(g, 30002, "CUCM")
    assert owner.kind == "service" and owner.service.name == "Cisco AMC Service"
    assert owner.pid == 29815 and owner.path == (30002, 30001, 29815)
    assert find_owner(g, 30101, "CUCM").kind == "unknown"  # stops at servM, no guess
    servm = find_owner(g, 4012, "CUCM")
    assert servm.kind == "service" and servm.service.name == "Service Manager"
    assert find_owner(g, 1, "CUCM").kind == "init"
    assert find_owner(g, 55555, "CUCM").kind == "missing"


def _write(tmp_path, text):
    path = tmp_path / "services.toml"
    path.write_text(text)
    return path


def test_a_broken_catalogue_names_the_entry(tmp_path):
    good = '[[service]]\nname = "X"\nproducts = ["CUCM"]\nprocesses = ["x"]\nimpact = "low"\n'
    assert load_catalogue(_write(tmp_path, good)).services[0].restart_command == "utils service restart X"
    bad_impact = good + '[[service]]\nname = "Broken One"\nproducts = ["CUC"]\nprocesses = ["b"]\n'
    bad_impact += 'impact = "huge"\n'
    with pytest.raises(InputError, match=r"entry 2 \('Broken One'\).*impact 'huge'"):
        load_catalogue(_write(tmp_path, bad_impact))
    with pytest.raises(InputError, match="product"):
        load_catalogue(_write(tmp_path, good.replace('"CUCM"', '"CUCX"')))
    with pytest.raises(InputError, match="regular expression"):
        load_catalogue(_write(tmp_path, good + 'args = ["(unclosed"]\n'))
    with pytest.raises(InputError, match="not valid TOML"):
        load_catalogue(_write(tmp_path, "[[service]\n"))
    with pytest.raises(InputError, match="cannot read"):
        load_catalogue(tmp_path / "nope.toml")


def test_product_hints_and_special_texts_live_in_the_data_file(tmp_path):
    assert CATALOGUE.product_by_service["Cisco XCP Router"] == "IMnP"
    assert CATALOGUE.product_by_process["CuCsMgr"] == "CUC"
    rule = next(r for r in CATALOGUE.special if r.id == "imp-peer-sftp")
    assert rule.impact_note.startswith("cosmetic") and "TAC root access" in rule.kill_note
    good = '[[service]]\nname = "X"\nproducts = ["CUCM"]\nprocesses = ["x"]\nimpact = "low"\n'
    bad = good + '[product_hints.by_process]\nx = "PBX"\n'
    with pytest.raises(InputError, match=r"product_hints.by_process"):
        load_catalogue(_write(tmp_path, bad))
    assert CATALOGUE.products["IMnP"].replication_check == "utils dbreplication runtimestate"
    assert "re-register" in CATALOGUE.products["CUCM"].disturbs
    with pytest.raises(InputError, match=r"\[product.CUCM\] needs exactly"):
        load_catalogue(_write(tmp_path, good + '[product.CUCM]\ndisturbs = "phones"\n'))
    with pytest.raises(InputError, match=r"\[product.<name>\]"):
        load_catalogue(_write(tmp_path, good + '[product.PBX]\ndisturbs = "x"\nreplication_check = "y"\n'))


DEFECT = (
    '[[service.defects]]\nid = "CSCzz00001"\ntitle = "zombies under X"\naffected = ["14.0.1"]\n'
    'fixed = ["14.0.1.13900-155"]\nsource = "https://bst.cloudapps.cisco.com/bugsearch/bug/CSCzz00001"\n'
)


def test_collect_before_and_defects_are_validated(tmp_path):
    good = '[[service]]\nname = "X"\nproducts = ["CUCM"]\nprocesses = ["x"]\nimpact = "low"\n'
    loaded = load_catalogue(_write(tmp_path, good + DEFECT))
    (defect,) = loaded.services[0].defects
    assert defect.id == "CSCzz00001" and defect.fixed == ("14.0.1.13900-155",)
    no_source = DEFECT.replace('source = "https://', 'source = "ftp://')
    with pytest.raises(InputError, match=r"entry 1 \('X'\): defect CSCzz00001 needs its public 'source'"):
        load_catalogue(_write(tmp_path, good + no_source))
    with pytest.raises(InputError, match="is not a Cisco bug id"):
        load_catalogue(_write(tmp_path, good + DEFECT.replace("CSCzz00001", "BUG-1")))
    with pytest.raises(InputError, match="are not releases"):
        load_catalogue(_write(tmp_path, good + DEFECT.replace('["14.0.1"]', '["14.0(1)SU2"]')))
    steps = good + '[[service.collect_before]]\ncommand = "file list activelog x"\nwhy = "its log"\n'
    assert load_catalogue(_write(tmp_path, steps)).services[0].collect_before[0].why == "its log"
    with pytest.raises(InputError, match="needs a 'why' text"):
        load_catalogue(_write(tmp_path, good + '[[service.collect_before]]\ncommand = "x"\n'))
    # the packaged catalogue: general steps for every restart; no defect without a public source
    general = [s.command for s in CATALOGUE.collect_before]
    assert general[:2] == ["show process load", "show process list detail"]
    assert all(d.source.startswith("https://") for s in CATALOGUE.services for d in s.defects)


def test_every_service_has_one_role_and_roles_are_validated(tmp_path):
    assert {s.name for s in CATALOGUE.services} <= set(CATALOGUE.roles)
    assert CATALOGUE.roles["imp-peer-sftp"] == CATALOGUE.roles["Cisco DRF Local"] == "file transfer"
    alike = [s.name for s in CATALOGUE.alike("Cisco AMC Service", "CUCM")]
    assert "Cisco RIS Data Collector" in alike and "Cisco AMC Service" not in alike
    assert all("CUC" in s.products for s in CATALOGUE.alike("A Cisco DB", "CUC"))
    assert CATALOGUE.alike("no such service", "CUCM") == []
    good = '[[service]]\nname = "X"\nproducts = ["CUCM"]\nprocesses = ["x"]\nimpact = "low"\n'
    assert load_catalogue(_write(tmp_path, good + '[roles]\n"a" = ["X"]\n')).roles == {"X": "a"}
    with pytest.raises(InputError, match=r"\[roles\] 'a': no service or special rule 'Y'"):
        load_catalogue(_write(tmp_path, good + '[roles]\n"a" = ["X", "Y"]\n'))
    with pytest.raises(InputError, match=r"'X' is in both 'a' and 'b'"):
        load_catalogue(_write(tmp_path, good + '[roles]\n"a" = ["X"]\n"b" = ["X"]\n'))
    with pytest.raises(InputError, match=r"\[roles\] must map"):
        load_catalogue(_write(tmp_path, good + '[roles]\n"a" = "X"\n'))
