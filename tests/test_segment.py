"""jieba with the domain lexicon, and sentence splitting."""
from pipeline.config import project_path
from pipeline.segment import sentences, words

LEXICON = project_path("corpus/lexicon")


def cut(text):
    b = list(words(text, LEXICON))
    return [text[x:y] for x, y in zip(b, b[1:])]


def test_domain_names_are_single_words():
    tokens = cut("英伟达和台积电的芯片受限，卢特尼克称AMD的MI308与H20都将恢复出口。")
    for name in ("英伟达", "台积电", "卢特尼克", "MI308", "H20", "AMD"):
        assert name in tokens


def test_word_boundaries_cover_the_text():
    text = "美国财政部部长斯科特·贝森特表示，这与中美贸易谈判取得进展有关。"
    assert "".join(cut(text)) == text


def test_sentences_keep_closing_quotes_and_split_lines():
    text = "他说：“失去中国市场将削弱竞争力。”同时，英特尔也反对！\n\n第二段没有句号"
    spans = sentences(text)
    assert [text[a:b] for a, b in spans] == ["他说：“失去中国市场将削弱竞争力。”", "同时，英特尔也反对！", "第二段没有句号"]
