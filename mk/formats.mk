# formats: safetensors, half floats, pairs JSONL, activation store, workspace, init/info
tui_safer_SOURCES += tui/cmd_init.c tui/cmd_info.c
