# engine/sae: the SAE model (TopK, JumpReLU, ReLU), selection, export, the trainer (no workspace)
engine_libengine_a_SOURCES += \
	engine/sae/sae.c \
	engine/sae/sae.h \
	engine/sae/export.c \
	engine/sae/export.h \
	engine/sae/jumprelu.c \
	engine/sae/jumprelu.h \
	engine/sae/topk.c \
	engine/sae/topk.h \
	engine/sae/train.c \
	engine/sae/train.h \
	engine/sae/train_params.c \
	engine/sae/train_params.h
