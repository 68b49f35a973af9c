"""The NemoVideo cloud backend (`VIDEO_BACKEND=nemo`).

- `client.NemoClient`: one small HTTP client per the vendor's protocol (shared/nemo/protocol.md), typed
  errors in `errors` that say whether a retry can help;
- `credentials`: the installation's X-Client-Id and anonymous token, stored encrypted (`models`);
- `backend.NemoBackend`: spec -> upload, chat, state, export, download, check, poster;
- `selectors.get_credit_balance()`: the balance the UI shows;
- `gui_speak.translate_gui_speak()`: the agent's "click Export" talk, made fit for a merchant;
- `fake_server.FakeNemoServer`: a loopback stand-in for tests and local development (`manage.py nemo_fake`).
"""
