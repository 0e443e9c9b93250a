from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kefu.helpcenter import bundled
from kefu.helpcenter.models import ArticleTranslation, SearchDocument
from kefu.helpcenter.search.query import search
from tests.conftest import worker_shares_test_connection

pytestmark = pytest.mark.django_db


def test_import_loads_the_bundle_with_progress_and_can_run_again() -> None:
    out = StringIO()
    call_command("helpcenter", "import", stdout=out)
    total = len(bundled.articles())
    assert f"{total}/{total}" in out.getvalue()
    assert f"{total} new or changed" in out.getvalue()
    out = StringIO()
    call_command("helpcenter", "import", stdout=out)
    assert "0 new or changed" in out.getvalue()
    assert ArticleTranslation.objects.count() == total
    assert search("助記詞", "zh-Hant")


def test_reindex_rebuilds_a_lost_index() -> None:
    call_command("helpcenter", "import", stdout=StringIO())
    SearchDocument.objects.all().delete()
    assert search("提币", "zh-Hans") == []
    out = StringIO()
    call_command("helpcenter", "reindex", stdout=out)
    assert f"Indexed {len(bundled.articles())} published translations." in out.getvalue()
    assert search("提币没到账", "zh-Hans")[0].slug == "withdrawal-delayed"


def test_an_unknown_subcommand_is_refused() -> None:
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("helpcenter", "export")


def test_the_demo_loads_the_help_center_every_time(capsys: pytest.CaptureFixture[str]) -> None:
    with worker_shares_test_connection():
        call_command("demo")
        call_command("demo")
    out = capsys.readouterr().out
    total = len(bundled.articles())
    assert f"Help center: {total} articles, {total} new or changed" in out
    assert f"Help center: {total} articles, 0 new or changed" in out
    assert ArticleTranslation.objects.filter(status="published").count() == total
