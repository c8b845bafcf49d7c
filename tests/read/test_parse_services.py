"""`utils service list` and `utils service restart` transcripts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from ucnb.model.columns import SERVICE_COLUMNS
from ucnb.model.results import ServiceList
from ucnb.read.parsers.services import parse_service_restart, parse_service_row, parse_services

FIXTURES = Path(__file__).parents[1] / "fixtures" / "services"


def fixture_lines(name: str) -> list[str]:
    return (FIXTURES / name).read_text().splitlines()


def test_full_cucm_list_every_row_parsed_with_exact_names():
    result = parse_services(fixture_lines("cucm125_pub_service_list.txt"), file="pub/services.txt")
    services = result.services
    assert len(services) == 66  # 72 lines, 6 of them chatter
    assert result.unparsed == [] and result.warnings == []
    assert dict(services.dtypes.astype(str)) == SERVICE_COLUMNS
    assert services["service"].iloc[0] == "System SSH"
    assert services["service"].iloc[-1] == "System Application Agent"
    assert (services["state"] == "STOPPED").sum() == 10
    assert services["service"].is_unique
    assert "Cisco CallManager Cisco IP Phone Services" in set(services["service"])
    assert "SOAP -Real-Time Service APIs" in set(services["service"])


def row(services: pd.DataFrame, name: str) -> dict:
    """The row of one service as plain values (<NA> as None)."""
    values = services[services["service"] == name].iloc[0].to_dict()
    return {key: None if pd.isna(value) else value for key, value in values.items()}


def test_platform_rows_reasons_and_sources():
    services = parse_services(fixture_lines("cucm125_pub_service_list.txt"), file="pub/services.txt").services
    assert row(services, "System SSH") == {
        "service": "System SSH", "state": "STARTED", "reason": None, "platform": True,
        "source": "pub/services.txt:2"}
    assert not row(services, "Cisco AMC Service")["platform"]
    assert row(services, "Cisco DirSync") == {
        "service": "Cisco DirSync", "state": "STOPPED", "reason": "Service Not Activated", "platform": False,
        "source": "pub/services.txt:39"}
    assert row(services, "Cisco Serviceability Reporter") == {
        "service": "Cisco Serviceability Reporter", "state": "STOPPED", "reason": "Commanded Out of Service",
        "platform": False, "source": "pub/services.txt:50"}
    assert services["platform"].sum() == 3  # System SSH, Cluster Manager, Password Reset


def test_first_line_offsets_sources():
    services = parse_services(["", "Cisco Tftp[STARTED]"], file="log", first_line=120).services
    assert list(services["source"]) == ["log:121"]


def test_transitional_states_of_an_imp_node():
    services = parse_services(fixture_lines("imp_sub_transitional_states.txt")).services
    states = dict(zip(services["service"], services["state"], strict=True))
    assert states["Cisco Presence Engine"] == "STARTING"
    assert states["Cisco SIP Proxy"] == "NOTRUNNING"
    assert states["Cisco Sync Agent"] == "STOPPING"
    assert row(services, "Cisco XCP Text Conference Manager")["reason"] == "Commanded Out of Service"
    assert len(services) == 24  # 30 lines, 6 of them chatter


def test_noise_is_reported_not_dropped():
    result = parse_services(fixture_lines("noisy_service_list.txt"), file="n.txt")
    assert list(result.services["service"]) == [
        "System SSH", "Cisco AMC Service", "Cisco CDR Repository Manager", "Cisco AMC Service",
        "Cisco Trace Collection Service"]
    assert [(u.source, u.text) for u in result.unparsed] == [
        ("n.txt:9", "Cisco DirSync[PAUSED]"),
        ("n.txt:10", "Cisco Tftp STARTED"),
        ("n.txt:11", "%% something went wrong %%"),
    ]
    assert "unknown service state 'PAUSED'" in result.unparsed[0].reason
    assert result.warnings == [
        "n.txt:5: the service list ended with a non-zero return code",
        "n.txt:8: 'Cisco AMC Service' listed twice (first at n.txt:6)",
        "n.txt:13: the command failed",
    ]


def test_empty_input_gives_typed_empty_frame():
    result = parse_services([])
    assert isinstance(result, ServiceList)
    assert result.services.empty
    assert dict(result.services.dtypes.astype(str)) == SERVICE_COLUMNS


def test_row_parser_edge_forms():
    assert parse_service_row("Cisco X[ Started ]") == {
        "service": "Cisco X", "state": "STARTED", "reason": None, "platform": False}
    assert parse_service_row("Cisco Y  [NOT RUNNING]  Component is not running")["state"] == "NOTRUNNING"
    assert parse_service_row("[STARTED]") is None
    assert parse_service_row("Cisco Z[STARTED") is None


def test_restart_transcript_success():
    result = parse_service_restart(fixture_lines("restart_amc_success.txt"), file="after.log", first_line=41)
    assert result["service"] == "Cisco AMC Service"
    assert result["command"] == "utils service restart Cisco AMC Service"
    assert result["states"] == ["STOPPING", "NOTRUNNING", "STARTING", "STARTED"]
    assert result["sources"] == ["after.log:43", "after.log:46", "after.log:48", "after.log:50"]
    assert result["messages"] == ["Commanded Out of Service"]
    assert result["success"] is True
    assert result["source"] == "after.log:41-50"
    assert result["unparsed"] == [] and result["warnings"] == []


def test_restart_of_a_service_not_activated_fails():
    result = parse_service_restart(fixture_lines("restart_not_activated.txt"), file="a.log")
    assert result["service"] == "Cisco DirSync"
    assert result["states"] == ["STOPPING", "NOTRUNNING", "STOPPED"]
    assert result["success"] is False
    assert result["messages"] == ["Service Not Activated"]
    assert result["warnings"] == ["a.log: Cisco DirSync is not activated: a restart cannot start it"]


def test_restart_uses_the_typed_name_and_flags_other_services():
    lines = ["utils service restart Cisco Tftp", "Cisco Tftp[STOPPING]", "Cisco CTIManager[STARTED]",
             "Cisco Tftp[STARTED]"]
    result = parse_service_restart(lines, file="x")
    assert result["service"] == "Cisco Tftp"
    assert result["states"] == ["STOPPING", "STARTED"]
    assert result["success"] is True
    assert result["warnings"] == [
        "x: the transcript also shows states of Cisco CTIManager; read 'Cisco Tftp'"]
    given_name = parse_service_restart(lines[1:], file="x", service="Cisco CTIManager")
    assert given_name["states"] == ["STARTED"]


def test_restart_interrupted_or_servm_down_is_not_a_success():
    stopped_half_way = parse_service_restart(["Cisco AMC Service[STOPPING]", "^C weird", ""], file="y")
    assert stopped_half_way["success"] is False
    assert [u.text for u in stopped_half_way["unparsed"]] == ["^C weird"]
    servm_down = parse_service_restart(["Service Manager is not running", "Cisco AMC Service[STARTED]"])
    assert servm_down["success"] is False
    assert "Service Manager is not running" in servm_down["warnings"][0]
    nothing = parse_service_restart([])
    assert nothing["service"] is None and nothing["success"] is False and nothing["states"] == []


@given(st.lists(st.text(max_size=80), max_size=30))
def test_random_text_never_raises(lines):
    result = parse_services(lines)
    non_blank = sum(1 for line in lines if line.strip())
    assert len(result.services) + len(result.unparsed) <= non_blank
    assert dict(result.services.dtypes.astype(str)) == SERVICE_COLUMNS
    parse_service_restart(lines)


@given(st.lists(st.sampled_from(["Cisco AMC Service[STARTED]", "System SSH [STOPPED]  Service Not Activated",
                                 "Command successful", "garbage [", "", "Cisco X[ STARTING ]"]), max_size=20))
def test_every_non_blank_line_is_data_chatter_or_unparsed(lines):
    result = parse_services(lines)
    data = sum(1 for line in lines if "[" in line and "]" in line)
    garbage = sum(1 for line in lines if line == "garbage [")
    assert len(result.services) == data
    assert len(result.unparsed) == garbage


def test_several_rows_on_one_line_are_one_row_each_with_that_line():
    """Issue 11, class 9: a list pasted through a web page runs rows together."""
    result = parse_services(fixture_lines("web_mangled_one_line.txt"), file="svc.txt")
    services = result.services
    assert services["service"].tolist() == [
        "System SSH", "Cluster Manager", "Cisco AMC Service", "Cisco CDR Agent",
        "Cisco CDR Repository Manager", "Cisco CallManager", "Cisco DirSync", "Cisco Tftp",
        "Cisco Serviceability Reporter",
        "Cisco Trace Collection Service", "Cisco Bulk Provisioning Service"]
    assert services["source"].tolist() == [f"svc.txt:{n}" for n in (2, 2, 6, 7, 7, 7, 8, 8, 9, 9, 10)]
    assert row(services, "Cisco DirSync")["reason"] == "Service Not Activated"
    assert row(services, "Cisco Tftp") == {"service": "Cisco Tftp", "state": "STARTED", "reason": None,
                                           "platform": False, "source": "svc.txt:8"}
    assert row(services, "Cisco Serviceability Reporter")["reason"] == "Commanded Out of Service"
    assert row(services, "Cluster Manager")["platform"]
    # a line with a state the CLI never prints is not half read: the whole line is reported
    assert [(u.source, u.reason) for u in result.unparsed] == [
        ("svc.txt:11", "unknown service state 'PAUSED'")]


def test_a_whole_list_collapsed_onto_one_line_with_its_chatter():
    line = ("Requesting service status, please wait... Service Manager is running "
            "Getting list of all services >> Return code = 0 "
            "Cisco AMC Service[STARTED] Cisco Tftp[STOPPED]  Service Not Activated "
            "Primary Node =true Command successful")
    result = parse_services([line], file="glued.txt", first_line=4)
    assert result.services[["service", "state"]].values.tolist() == [
        ["Cisco AMC Service", "STARTED"], ["Cisco Tftp", "STOPPED"]]
    assert row(result.services, "Cisco Tftp")["reason"] == "Service Not Activated"
    assert result.unparsed == [] and result.warnings == []
    assert result.recognised == []  # the line is accounted for by its rows
    failed = parse_services(["Service Manager is running >> Return code = 2 Command failed"], file="f")
    assert failed.recognised == [1] and len(failed.warnings) == 2 and failed.services.empty
