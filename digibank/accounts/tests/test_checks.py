"""Production cannot switch two-factor off, and `check --deploy` warns about a demo or
unenforced two-factor running without DEBUG."""

from django.core.checks import run_checks

from digibank.core.tests.test_settings import PRODUCTION, run_manage

SHOW = "from django.conf import settings; print(settings.ENFORCE_TWO_FACTOR)"


def test_enforce_two_factor_cannot_be_switched_off_in_production():
    result = run_manage("shell", "-c", SHOW, ENFORCE_TWO_FACTOR="0", **PRODUCTION)
    assert result.stdout.split()[-1] == "True", result.stderr


def test_a_development_or_demo_site_may_switch_it_off():
    development = run_manage("shell", "-c", SHOW, ENFORCE_TWO_FACTOR="0", DEBUG="1")
    assert development.stdout.split()[-1] == "False", development.stderr
    demo = run_manage("shell", "-c", SHOW, DEMO_MODE="1", **PRODUCTION)
    assert demo.stdout.split()[-1] == "False", demo.stderr


def deploy_warnings() -> set[str | None]:
    return {message.id for message in run_checks(include_deployment_checks=True)}


def test_deploy_check_warns_about_demo_mode_without_debug(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = True
    assert "accounts.W001" in deploy_warnings()
    settings.DEBUG = True
    assert "accounts.W001" not in deploy_warnings()


def test_deploy_check_warns_about_unenforced_two_factor_without_debug(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = False
    settings.ENFORCE_TWO_FACTOR = False
    assert "accounts.W002" in deploy_warnings()
    settings.ENFORCE_TWO_FACTOR = True
    assert "accounts.W002" not in deploy_warnings()


def test_the_deploy_warnings_run_only_with_deploy(settings):
    settings.DEBUG = False
    settings.DEMO_MODE = True
    assert "accounts.W001" not in {message.id for message in run_checks()}


def test_manage_check_deploy_reports_a_demo_in_production():
    result = run_manage("check", "--deploy", DEMO_MODE="1", **PRODUCTION)
    assert "accounts.W001" in result.stderr + result.stdout
    assert "accounts.W002" in result.stderr + result.stdout
