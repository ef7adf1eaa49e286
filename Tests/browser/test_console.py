"""The admin console as a person uses it: sign in, create a pool with members and rules,
preview and save rules, import a CSV, assign a customer. Screenshots go to .build/screenshots."""
import os
import tempfile

from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PASSWORD, shot


def replaced(page):
    """True once `page` is gone. Chromium 156's driver sometimes reports a replaced document as
    "Node with given id does not belong to the document" instead of a stale element."""
    def check(_):
        try:
            page.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in str(error):
                return True
            raise
    return check


def submit(browser, button):
    """Clicks a submit button or link and waits until the next page has replaced this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    button.click()
    WebDriverWait(browser, 15).until(replaced(page))


def sign_in(browser, server, name="admin"):
    browser.get(server + "/admin/login?lang=zh")
    browser.find_element(By.NAME, "name").send_keys(name)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main.login button[type=submit]"))


def test_sign_in_shows_the_dashboard_in_chinese(browser, server):
    browser.get(server + "/admin/login?lang=zh")
    browser.find_element(By.NAME, "name").send_keys("admin")
    browser.find_element(By.NAME, "password").send_keys("wrong password")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "main.login button[type=submit]"))
    assert "用户名或密码错误" in browser.page_source
    shot(browser, "01-sign-in-error")
    sign_in(browser, server)
    assert browser.find_element(By.TAG_NAME, "h1").text == "仪表盘"
    assert len(browser.find_elements(By.CSS_SELECTOR, "svg.chart")) == 3
    shot(browser, "02-dashboard")


def test_create_a_pool_with_members_and_rules(browser, server):
    sign_in(browser, server)
    browser.get(server + "/admin/pools/new?lang=en")
    browser.find_element(By.NAME, "name").send_keys("西南公海 Southwest")
    browser.find_element(By.NAME, "regions").send_keys("四川, 重庆")
    browser.find_element(By.NAME, "priority").clear()
    browser.find_element(By.NAME, "priority").send_keys("15")
    browser.find_element(By.CSS_SELECTOR, "input[name=member_role][value=rep]").click()
    browser.find_element(By.NAME, "no_follow_up_days").send_keys("20")
    browser.find_element(By.NAME, "warning_days").clear()
    browser.find_element(By.NAME, "warning_days").send_keys("5")
    browser.find_element(By.NAME, "mask_phone").click()
    shot(browser, "03-new-pool-form")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "form.card button[type=submit]"))
    assert "Pool created." in browser.page_source
    assert "西南公海 Southwest" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "04-pool-created")


def test_preview_then_save_rules(browser, server):
    sign_in(browser, server)
    browser.get(server + "/admin/pools?lang=en")
    submit(browser, browser.find_element(By.LINK_TEXT, "华东公海"))
    field = browser.find_element(By.CSS_SELECTOR, "#rules input[name=no_follow_up_days]")
    field.clear()
    field.send_keys("14")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#rules button[value=preview]"))
    today = int(browser.find_element(By.ID, "preview-today").text)
    assert today > 0
    assert "The rules are not saved yet." in browser.page_source
    assert browser.find_element(By.CSS_SELECTOR, "#rules input[name=no_follow_up_days]").get_attribute("value") == "14"
    shot(browser, "05-pool-rules-preview")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "#rules button[value=save]"))
    assert "Rules saved as version 2" in browser.page_source
    shot(browser, "06-pool-rules-saved")


def test_import_a_csv_after_a_dry_run(browser, server):
    sign_in(browser, server)
    browser.get(server + "/admin/import?lang=en")
    rows = "name,phone,email,industry,region,status\n成都新客户科技有限公司,13900001111,a@chengdu.cn,教育,四川,lead\n,13900001112,,,,\nChongqing Trading Ltd,,b@cq.cn,零售,重庆,contacted\n"
    path = os.path.join(tempfile.mkdtemp(), "customers.csv")
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(rows)
    browser.find_element(By.NAME, "file").send_keys(path)
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=check]"))
    assert browser.find_element(By.ID, "count-new").text == "2"
    assert browser.find_element(By.ID, "count-invalid").text == "1"
    shot(browser, "07-import-check")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "button[value=import]"))
    assert "Imported: 2" in browser.find_element(By.ID, "imported").text
    shot(browser, "08-import-done")


def test_assign_a_pool_customer_to_a_rep(browser, server):
    sign_in(browser, server)
    browser.get(server + "/admin/customers?placement=pool&lang=en")
    shot(browser, "09-customers")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "table tbody tr td a"))
    Select(browser.find_element(By.NAME, "user")).select_by_index(1)
    browser.find_element(By.NAME, "reason").send_keys("territory")
    submit(browser, browser.find_element(By.CSS_SELECTOR, "section.actions button[type=submit]"))
    assert "Done." in browser.page_source
    assert "territory" in browser.page_source
    shot(browser, "10-customer-assigned")


def test_every_other_page_renders(browser, server):
    sign_in(browser, server)
    for index, page in enumerate(["sweeps", "people", "tokens", "audit"]):
        browser.get(server + "/admin/" + page + "?lang=en")
        assert browser.find_element(By.TAG_NAME, "h1").text
        shot(browser, "%02d-%s" % (11 + index, page))


def test_a_manager_cannot_open_admin_pages(browser, server):
    browser.delete_all_cookies()
    sign_in(browser, server, name="王磊")
    browser.get(server + "/admin/people?lang=en")
    assert "Only administrators may open this page." in browser.page_source
    browser.get(server + "/admin/customers?lang=en")
    assert browser.find_element(By.ID, "total").text != "0"
    shot(browser, "15-manager-customers")


def test_the_open_pool_hint_follows_the_ticks(browser, server):
    sign_in(browser, server)
    browser.get(server + "/admin/pools/new?lang=en")
    hint = browser.find_element(By.CSS_SELECTOR, "[data-open-hint]")
    assert hint.is_displayed()
    box = browser.find_element(By.CSS_SELECTOR, "input[name=member_department]")
    box.click()
    assert not hint.is_displayed(), "a ticked department makes the pool closed"
    box.click()
    assert hint.is_displayed()
