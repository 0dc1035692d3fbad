"""Kiosk properties checked in the real WebKit webview, not a browser: the CSP blocks injected
inline scripts and eval, text cannot be selected, and the window fills the 1280x800 screen
(under matchbox; bare Xvfb would leave it at 800x600)."""

from __future__ import annotations


def test_csp_blocks_inline_script_and_eval(kiosk):
    k = kiosk
    injected = k.driver.execute_async_script(
        """const done = arguments[arguments.length - 1];
           const s = document.createElement('script');
           s.textContent = 'window.__e2eInjected = true;';
           document.head.appendChild(s);
           setTimeout(() => done(window.__e2eInjected === true), 100);"""
    )
    assert injected is False, "an injected inline <script> ran: the CSP does not hold"
    outcome = k.js(
        """try { eval('1 + 1'); return 'eval ran'; } catch (e) { return e.name + ': ' + e.message; }"""
    )
    assert outcome.startswith("EvalError"), outcome
    outcome = k.js(
        """try { new Function('return 1')(); return 'Function ran'; }
           catch (e) { return e.name; }"""
    )
    assert outcome == "EvalError", outcome


def test_text_cannot_be_selected(kiosk):
    k = kiosk
    for css in ("body", "#app"):
        value = k.js(
            """const st = getComputedStyle(document.querySelector(arguments[0]));
               return st.userSelect || st.webkitUserSelect;""",
            css,
        )
        assert value == "none", f"{css}: user-select is {value}"


def test_window_fills_the_screen(kiosk):
    k = kiosk
    inner = k.js("return [window.innerWidth, window.innerHeight];")
    screen = k.js("return [screen.width, screen.height];")
    assert screen == [1280, 800], screen
    assert inner == [1280, 800], f"window is {inner}, not fullscreen"
    assert k.js("return [window.screenX, window.screenY];") == [0, 0]


def test_misconfigured_names_every_problem_and_no_value(launch, tmp_path):
    """A configuration that does not load still opens the window: it lists each problem as
    `section.field: rule`, never a value (it may be a secret)."""
    secret = "not-a-real-key-7f3a9c"
    config = tmp_path / "kiosk.toml"
    config.write_text(
        "[merchant]\n"
        f'apiv2_key = "{secret}"\n'
        "[kiosk]\n"
        "idle_timeout_secs = 5\n"
        'language = "fr"\n',
        encoding="utf-8",
    )
    k = launch(args=["--config", str(config)], first_screen="misconfigured")
    problems = [el.text for el in k.find_all("li[data-problem]")]
    assert problems, "the misconfigured screen lists its problems"
    joined = "\n".join(problems)
    assert "kiosk.idle_timeout_secs" in joined and "kiosk.language" in joined, joined
    assert secret not in k.source()
    assert not k.has_action("start")
    k.shot("misconfigured")
