"""The NemoVideo cloud backend (`VIDEO_BACKEND=nemo`). What it relies on from the vendor's API is
written down in docs/nemo-protocol.md.

- `client.NemoClient`: one small HTTP client for the vendor's API; `shapes` reads its answers and `errors`
  holds the typed errors that say whether a retry can help; `sse` reads the agent's chat stream;
- `credentials`: the installation's X-Client-Id and anonymous token, stored encrypted (`models`);
- `backend.NemoBackend`: spec -> upload, chat, state, export, download, check, poster, in that order;
- `inputs`: the spec's media checked before upload, and the cloud's names for them mapped back;
- `prompt`: the instruction sent to the agent; `language`: the session language it is read in;
- `output`: the exported MP4 checked, and its poster frame chosen and taken;
- `draft/`: NemoVideo's compact draft format, to and from a spec;
- `selectors.get_credit_balance()`: the balance the UI shows;
- `gui_speak.translate_gui_speak()`: the agent's "click Export" talk, made fit for a merchant.

The loopback stand-in for tests and local runs lives in devtools/nemo_fake (`manage.py nemo_fake`).
"""
