# sae: TopK SAE model, trainer, encoder, latents cache; train/load-sae/encode
tui_safer_SOURCES += tui/cmd_train.c tui/cmd_load_sae.c tui/cmd_encode.c
