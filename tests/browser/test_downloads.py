"""Clicking a page's Download menu gets the file: the map page's CSV and GeoJSON, a country's PNG and brief."""

from __future__ import annotations

import io
import json

import pandas as pd


def open_menu_and_download(page, menu, item: str):
    menu.get_by_role("button", name="Download").click()
    with page.expect_download(timeout=30_000) as info:
        menu.get_by_role("link", name=item, exact=True).click()
    download = info.value
    assert download.failure() is None
    with open(download.path(), "rb") as handle:
        return download.suggested_filename, handle.read()


def test_map_page_downloads_csv_and_geojson(page):
    page.goto(page.base_url + "/?year=2021")
    menu = page.locator("#map-download-menu")
    menu.wait_for(state="visible", timeout=20_000)
    name, body = open_menu_and_download(page, menu, "CSV")
    assert name.endswith(".csv") and "2021" in name
    frame = pd.read_csv(io.BytesIO(body))
    assert {"iso3", "country", "year", "overall", "coverage", "sources"} <= set(frame.columns)
    assert set(frame["year"]) == {2021} and len(frame) > 100
    name, body = open_menu_and_download(page, menu, "GeoJSON (map layer)")
    doc = json.loads(body)
    assert doc["type"] == "FeatureCollection" and len(doc["features"]) > 100 and "attribution" in doc


def test_country_page_downloads_chart_and_brief(page):
    page.goto(page.base_url + "/country/COL?year=2021")
    menu = page.locator(".dropdown", has=page.get_by_role("button", name="Download")).first
    menu.wait_for(state="visible", timeout=20_000)
    name, body = open_menu_and_download(page, menu, "PNG image (print resolution)")
    assert name.endswith(".png") and body[:8] == b"\x89PNG\r\n\x1a\n"
    name, body = open_menu_and_download(page, menu, "Country brief (PDF)")
    assert name == "drd_brief_COL_2021.pdf" and body[:5] == b"%PDF-"


def test_download_menu_from_the_keyboard(page):
    """The menu opens from its button with Enter, arrow keys move through its links, Escape closes it and
    gives the focus back; a click elsewhere closes it too."""
    page.goto(page.base_url + "/?year=2021")
    menu = page.locator("#map-download-menu")
    button = menu.get_by_role("button", name="Download")
    button.wait_for(state="visible", timeout=20_000)
    links = menu.locator("a.dropdown-item")
    assert not links.first.is_visible()
    button.focus()
    page.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true" and links.first.is_visible()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.textContent") == links.nth(0).inner_text()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("() => document.activeElement.textContent") == links.nth(1).inner_text()
    page.keyboard.press("End")
    assert page.evaluate("() => document.activeElement.textContent") == links.last.inner_text()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not links.first.is_visible()
    assert page.evaluate("() => document.activeElement.classList.contains('dropdown-toggle')")
    page.keyboard.press("ArrowDown")  # opens on the first link
    assert links.first.is_visible() and page.evaluate("() => document.activeElement.textContent") == (
        links.first.inner_text())
    box = menu.locator(".dropdown-menu").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    page.mouse.click(5, 5)
    assert not links.first.is_visible() and button.get_attribute("aria-expanded") == "false"
