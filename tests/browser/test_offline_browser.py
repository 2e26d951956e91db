"""The offline layer in Debian's Chromium: install, read offline, record offline, replay once.

Each test uses its own server on a port it controls (tests.offline.helpers.StoppableServer), so
"offline" can mean both the browser's switch and a server that is really gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from teacherapp.extensions import db
from teacherapp.models import AuditEvent, IdempotentSave, Score, SkillAssessment, Submission
from teacherapp.models.enums import SubmissionState
from tests.browser.conftest import CHROMIUM, PHONE, assert_no_horizontal_scroll, log_in, menu_item
from tests.factories import PASSWORD
from tests.offline.helpers import StoppableServer, exam_course

pytestmark = pytest.mark.browser

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
def server(app) -> Iterator[StoppableServer]:
    server = StoppableServer(app)
    server.start()
    yield server
    server.stop()


def phone_context(browser):
    return browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True,
                               device_scale_factor=2, locale="nl-BE")


def persistent_phone(browser, user_data_dir):
    return browser.browser_type.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, args=ARGS, viewport=PHONE,
        is_mobile=True, has_touch=True, device_scale_factor=2, locale="nl-BE")


def wait_for_worker(page) -> None:
    """Until the service worker controls the page (first visit: it claims it on activation)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null",
                           timeout=15000)


def waiting_text(page) -> str:
    return page.locator(".offline-status .offline-waiting").inner_text()


def expect_waiting(page, count: int) -> None:
    if count == 0:
        # Painted (the network state is shown) and nothing waiting.
        page.wait_for_function(
            "() => document.querySelector('.offline-status .offline-network').textContent"
            " && !document.querySelector('.offline-status .offline-waiting').textContent",
            timeout=20000)
    else:
        page.wait_for_function(
            "n => document.querySelector('.offline-status .offline-waiting').textContent"
            ".includes('wacht op verzending (' + n + ')')", arg=count, timeout=20000)


def exam_url(base: str, ec, enrolment) -> str:
    return (f"{base}/courses/{ec.course.id}/exam?sitting=1&subject={ec.subject.id}"
            f"&pupil={enrolment.id}")


def make_available_offline(page, base: str, ec) -> None:
    page.goto(base + "/offline/")
    row = page.locator(f'[data-offline-course="{ec.course.id}"]')
    row.get_by_role("button", name="Beschikbaar maken offline").click()
    row.locator(".offline-course-status").filter(has_text="Offline beschikbaar").wait_for(
        timeout=60000)


def record_pupil_offline(page, ec, enrolment, score: str) -> None:
    """Pick level (criterion position) for each criterion, and type a score."""
    for criterion in ec.rubric.criteria:
        cell = page.locator(f"#level-{enrolment.id}-{criterion.id}-exam")
        cell.get_by_role("button", name=re.compile(rf"^Level {criterion.position}\b")).click()
        cell.locator(".offline-badge").wait_for()
    field = page.locator(f"#score-{enrolment.id}-{ec.subject.id}-1-in")
    field.fill(score)
    field.press("Tab")
    page.locator(f"#score-{enrolment.id}-{ec.subject.id}-1 .offline-badge").wait_for()


def test_chromium_finds_the_app_installable(server, browser, make, tmp_path):
    ec = exam_course(make, pupils=1)
    db.session.commit()
    # A persistent profile: Chromium never installs from an incognito-like context.
    context = persistent_phone(browser, tmp_path / "profile")
    page = context.pages[0] if context.pages else context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(page)
    page.reload()
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == []
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest?lang=nl")
    assert '"name": "VTS Leerkrachtenapp"' in manifest["data"]
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == server.url + "/"
    context.close()


def test_twenty_entries_recorded_offline_survive_reload_and_restart_and_arrive_once(
        server, browser, make, tmp_path):
    ec = exam_course(make, pupils=4, criteria=4)
    db.session.commit()
    profile = tmp_path / "profile"
    context = persistent_phone(browser, profile)
    page = context.pages[0] if context.pages else context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(page)
    make_available_offline(page, server.url, ec)
    page.goto(exam_url(server.url, ec, ec.enrolments[0]))
    expect(page.locator(".offline-status .offline-network")).to_have_text("Online")

    # In the pool: no network, and (stricter) no server either.
    context.set_offline(True)
    server.stop()
    page.locator(".offline-status.is-offline").wait_for()
    scores = ["14", "9,5", "17", "afwezig"]
    for number, enrolment in enumerate(ec.enrolments):
        if number:
            page.get_by_role("link", name=re.compile("Volgende leerling")).click()
            page.wait_for_url(re.compile(rf"pupil={enrolment.id}\b"))
            page.locator(".offline-stale").wait_for()
        record_pupil_offline(page, ec, enrolment, scores[number])
        expect_waiting(page, 5 * (number + 1))
    assert_no_horizontal_scroll(page)

    # Reload while offline: the stored copy, and the teacher's values still marked as waiting.
    page.reload()
    expect_waiting(page, 20)
    assert "laatst vernieuwd op" in page.locator(".offline-stale").inner_text()
    last = ec.enrolments[-1]
    assert page.locator(f"#score-{last.id}-{ec.subject.id}-1-in").input_value() == "afwezig"
    assert page.locator("[data-offline-state=pending]").count() == 5
    for criterion in ec.rubric.criteria:  # the tapped level still shows as chosen
        chosen = page.locator(f"#level-{last.id}-{criterion.id}-exam [aria-pressed=true]")
        assert chosen.inner_text().startswith(f"Level {criterion.position}")

    # Close the browser, open it again on the same profile, still offline.
    context.close()
    context = persistent_phone(browser, profile)
    context.set_offline(True)
    page = context.pages[0] if context.pages else context.new_page()
    page.goto(exam_url(server.url, ec, ec.enrolments[0]))
    expect_waiting(page, 20)
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0

    # Network back: everything is sent by itself, once.
    server.start()
    context.set_offline(False)
    expect_waiting(page, 0)
    expect(page.locator(".offline-status .offline-sync")).to_contain_text("laatst verzonden")
    db.session.expire_all()
    stored = {(s.enrolment_id, s.value, s.absence) for s in db.session.scalars(select(Score))}
    assert len(stored) == 4
    values = {e: (v, a) for e, v, a in stored}
    assert values[ec.enrolments[0].id][0] == 14
    assert str(values[ec.enrolments[1].id][0]) == "9.50"
    assert values[ec.enrolments[3].id] == (None, "absent")
    levels = db.session.scalars(select(SkillAssessment)).all()
    assert len(levels) == 16
    for assessment in levels:
        assert assessment.level.rank == assessment.criterion.position
        assert assessment.version == 1
    audits = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity.in_(["score", "skill_assessment"]))).all()
    assert len(audits) == 20
    assert {a.action for a in audits} == {"create"}
    assert {a.actor_id for a in audits} == {ec.teacher.id}
    assert db.session.scalar(select(func.count()).select_from(IdempotentSave)) == 20
    context.close()


def test_a_conflicting_edit_from_another_device_is_shown_and_the_teacher_chooses(
        server, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    db.session.commit()
    phone_ctx, laptop_ctx = phone_context(browser), browser.new_context(locale="nl-BE")
    phone, laptop = phone_ctx.new_page(), laptop_ctx.new_page()
    for page in (phone, laptop):
        log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(phone)
    for page in (phone, laptop):
        page.goto(exam_url(server.url, ec, pupil))

    phone_ctx.set_offline(True)
    field = phone.locator(f"#score-{pupil.id}-{ec.subject.id}-1-in")
    field.fill("12")
    field.press("Tab")
    expect_waiting(phone, 1)

    other = laptop.locator(f"#score-{pupil.id}-{ec.subject.id}-1-in")
    other.fill("15")
    other.press("Tab")
    laptop.locator(f"#score-{pupil.id}-{ec.subject.id}-1").get_by_text("Opgeslagen").wait_for()

    phone_ctx.set_offline(False)
    cell = phone.locator(f"#score-{pupil.id}-{ec.subject.id}-1")
    cell.get_by_role("alert").wait_for(timeout=20000)
    assert "15" in cell.inner_text() and "12" in cell.inner_text()
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 15  # not overwritten

    phone.goto(server.url + "/offline/")
    conflict = phone.locator(".offline-item-conflict")
    assert "Conflict" in conflict.inner_text()
    assert_no_horizontal_scroll(phone)
    conflict.get_by_role("button", name="Mijn waarde houden").click()
    expect_waiting(phone, 0)
    phone.wait_for_function("() => !document.querySelector('.offline-item')")
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 12
    assert db.session.scalar(select(Score.version)) == 2
    phone_ctx.close()
    laptop_ctx.close()


def test_a_queued_save_delivered_twice_is_stored_once(server, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    db.session.commit()
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    page.goto(exam_url(server.url, ec, pupil))
    context.set_offline(True)
    field = page.locator(f"#score-{pupil.id}-{ec.subject.id}-1-in")
    field.fill("16")
    field.press("Tab")
    expect_waiting(page, 1)
    # The same save twice in the queue, same idempotency key: as if the first answer was lost.
    page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("teacherapp-offline");
        open.onsuccess = () => {
            const tx = open.result.transaction("saves", "readwrite");
            const store = tx.objectStore("saves");
            store.getAll().onsuccess = (e) => {
                const copy = Object.assign({}, e.target.result[0]);
                delete copy.id;
                store.add(copy);
            };
            tx.oncomplete = resolve;
            tx.onerror = reject;
        };
    })""")
    page.reload()
    expect_waiting(page, 2)
    context.set_offline(False)
    expect_waiting(page, 0)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Score)) == 1
    assert db.session.scalar(select(Score.value)) == 16
    assert db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.entity == "score")) == 1
    context.close()


def test_a_save_refused_after_the_sitting_was_submitted_stays_visible_with_the_reason(
        server, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    db.session.commit()
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    page.goto(exam_url(server.url, ec, pupil))
    context.set_offline(True)
    field = page.locator(f"#score-{pupil.id}-{ec.subject.id}-1-in")
    field.fill("11")
    field.press("Tab")
    expect_waiting(page, 1)
    db.session.add(Submission(course_id=ec.course.id, sitting=1, state=SubmissionState.SUBMITTED))
    db.session.commit()
    context.set_offline(False)
    page.locator(".offline-status").filter(has_text="vraagt je aandacht (1)").wait_for(
        timeout=20000)
    page.goto(server.url + "/offline/")
    refused = page.locator(".offline-item-rejected")
    assert "Geweigerd door de server" in refused.inner_text()
    assert refused.locator(".error").inner_text().strip()
    assert db.session.scalar(select(func.count()).select_from(Score)) == 0
    refused.get_by_role("button", name="Gezien, verwijderen").click()
    page.wait_for_function("() => !document.querySelector('.offline-item')")
    context.close()


def cache_names(page) -> list[str]:
    return page.evaluate("() => caches.keys()")


def queued_saves(page) -> int:
    return page.evaluate("""() => new Promise((resolve) => {
        const open = indexedDB.open("teacherapp-offline");
        open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains("saves")) { db.close(); resolve(0); return; }
            const request = db.transaction("saves").objectStore("saves").count();
            request.onsuccess = () => { db.close(); resolve(request.result); };
        };
        open.onerror = () => resolve(-1);
    })""")


def test_a_course_made_available_offline_opens_without_network_on_a_laptop(
        server, browser, make):
    ec = exam_course(make, pupils=2, criteria=2)
    db.session.commit()
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nl-BE")
    page = context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(page)
    make_available_offline(page, server.url, ec)
    assert_no_horizontal_scroll(page)
    context.set_offline(True)
    server.stop()
    course = f"{server.url}/courses/{ec.course.id}"
    pupil = ec.enrolments[1]
    for url in (course, f"{course}/grid?sitting=1", f"{course}/pupils/{pupil.id}",
                exam_url(server.url, ec, pupil), server.url + "/"):
        page.goto(url)
        stale = page.locator(".offline-stale")
        assert re.search(r"laatst vernieuwd op \d\d/\d\d/\d{4} \d\d:\d\d", stale.inner_text()), url
        expect(page.locator(".offline-status .offline-network")).to_have_text("Offline")
    assert "Leerling2" in page.goto(f"{course}/pupils/{pupil.id}").text()
    # A page never opened before: the offline page, not an error of the browser.
    page.goto(f"{server.url}/admin/")
    assert page.get_by_role("heading", name="Niet offline beschikbaar").is_visible()
    context.close()


def test_logging_out_removes_the_teachers_pages_and_the_next_user_never_sees_them(
        server, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    colleague = make.teacher(recognised_for=[ec.course.course_type])
    db.session.commit()
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(page)
    page.goto(exam_url(server.url, ec, ec.enrolments[0]))
    assert f"pages-u{ec.teacher.id}" in cache_names(page)

    menu_item(page, "button", "Afmelden").click()
    # The logout wipes caches before it submits, and Clear-Site-Data may abort the first
    # navigation: poll the URL rather than wait for one navigation event.
    expect(page).to_have_url(re.compile("/login"), timeout=15000)
    page.wait_for_load_state("load")
    assert not [name for name in cache_names(page) if name.startswith("pages-u")]
    assert queued_saves(page) == 0

    log_in(page, server.url, colleague.email, PASSWORD)
    wait_for_worker(page)
    context.set_offline(True)
    page.goto(exam_url(server.url, ec, ec.enrolments[0]))
    assert page.get_by_role("heading", name="Niet offline beschikbaar").is_visible()
    assert "Leerling1" not in page.content()
    context.close()


def test_another_user_never_sees_the_pages_even_when_the_first_never_logged_out(
        server, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    colleague = make.teacher(recognised_for=[ec.course.course_type])
    db.session.commit()
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(page)
    page.goto(exam_url(server.url, ec, ec.enrolments[0]))
    context.clear_cookies()  # the session ran out; nobody pressed "log out"
    log_in(page, server.url, colleague.email, PASSWORD)
    assert f"pages-u{ec.teacher.id}" not in cache_names(page)
    context.set_offline(True)
    page.goto(exam_url(server.url, ec, ec.enrolments[0]))
    assert page.get_by_role("heading", name="Niet offline beschikbaar").is_visible()
    context.close()


def test_a_new_release_replaces_the_shell_and_keeps_the_queued_saves(
        server, app, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    db.session.commit()
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(page)
    page.goto(exam_url(server.url, ec, pupil))
    old_shell = [n for n in cache_names(page) if n.startswith("static-")]
    assert len(old_shell) == 1

    context.set_offline(True)
    field = page.locator(f"#score-{pupil.id}-{ec.subject.id}-1-in")
    field.fill("18")
    field.press("Tab")
    expect_waiting(page, 1)
    context.clear_cookies()  # the save cannot be delivered yet: the session ran out
    context.set_offline(False)

    app.config["OFFLINE_RELEASE"] = "release-2"
    try:
        page.evaluate("() => navigator.serviceWorker.getRegistration().then(r => r.update())")
        page.wait_for_function(
            "old => caches.keys().then(names => !names.includes(old))", arg=old_shell[0],
            timeout=20000)
        page.wait_for_url(re.compile("/login"))  # reloaded onto the new release
        shell = [n for n in cache_names(page) if n.startswith("static-")]
        assert len(shell) == 1 and shell != old_shell
        assert queued_saves(page) == 1
    finally:
        app.config.pop("OFFLINE_RELEASE")

    log_in(page, server.url, ec.teacher.email, PASSWORD)
    expect(page.locator(".offline-status .offline-sync")).to_contain_text("laatst verzonden")
    expect_waiting(page, 0)
    db.session.expire_all()
    assert db.session.scalar(select(Score.value)) == 18
    context.close()


def test_with_the_server_gone_saves_wait_and_the_send_now_button_delivers_them(
        server, browser, make):
    ec = exam_course(make, pupils=1, criteria=1)
    pupil = ec.enrolments[0]
    db.session.commit()
    context = phone_context(browser)
    page = context.new_page()
    log_in(page, server.url, ec.teacher.email, PASSWORD)
    wait_for_worker(page)
    page.goto(exam_url(server.url, ec, pupil))
    # The queue page is stored for offline use although the teacher never opened it.
    page.wait_for_function(
        "key => caches.open(key).then(c => c.match('/offline/')).then(Boolean)",
        arg=f"pages-u{ec.teacher.id}", timeout=15000)
    server.stop()  # the phone still thinks it is online: the request itself fails
    field = page.locator(f"#score-{pupil.id}-{ec.subject.id}-1-in")
    field.fill("7,5")
    field.press("Tab")
    expect_waiting(page, 1)
    cell = page.locator(f"#score-{pupil.id}-{ec.subject.id}-1")
    expect(cell.locator(".offline-badge")).to_have_text("wacht op verzending")
    assert "Niet opgeslagen" not in cell.inner_text()  # it is kept, not lost

    page.goto(server.url + "/offline/")
    page.locator(".offline-stale").wait_for()
    item = page.locator(".offline-item-pending")
    assert "7,5" in item.inner_text()
    assert "Redding in het water" in item.inner_text()
    server.start()
    page.get_by_role("button", name="Nu verzenden").click()
    expect_waiting(page, 0)
    expect(page.locator("#offline-queue-summary")).to_have_text("Er wacht niets op verzending.")
    db.session.expire_all()
    assert str(db.session.scalar(select(Score.value))) == "7.50"
    context.close()
