import pytest
from django.urls import reverse
from langso.criteria.services import criteria_catalogue_load
from langso.indicators.testing import definitions
from langso.registry.testing import tree, users
from tests.browser.conftest import sign_in
__all__ = ["definitions", "tree", "users"]
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDE = """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 12).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent||'').trim().slice(0,60))"""

def test_probe(page, live_server, definitions, tree, users):
    criteria_catalogue_load()
    sign_in(page, live_server, users.province_officer)
    for url in ["/chi-so/", f"/chi-so/don-vi/{tree.province.code}/", f"/chi-so/don-vi/{tree.a.code}/"]:
        page.goto(live_server.url + url)
        print(url, page.evaluate("document.documentElement.scrollWidth"))
        for line in page.evaluate(WIDE): print("   ", line)
