from kefu.core.time_zones import choosable_zones, is_choosable


def test_the_list_has_the_region_names_and_not_the_legacy_aliases() -> None:
    zones = choosable_zones()
    assert zones[0] == "UTC"
    assert {"Asia/Shanghai", "Asia/Taipei", "Asia/Hong_Kong", "America/New_York"} <= set(zones)
    assert not {"PRC", "Etc/GMT+8", "US/Pacific", "ROC"} & set(zones)
    assert list(zones[1:]) == sorted(zones[1:])


def test_only_listed_zones_are_choosable() -> None:
    assert is_choosable("Europe/London")
    assert not is_choosable("Europe/Atlantis")
    assert not is_choosable("")
