"""`export huggingface DIR`: a folder ready to push to the Hugging Face Hub as a dataset repository.

- `README.md`, the dataset card: YAML front matter (license, pretty_name, language, task_categories, task_ids,
  size_categories, tags, and `configs:` with one config per table, its `data_files` the table's Parquet file, split
  `train`; the first table of the descriptor is the `default: true` one), then prose generated from the model and the
  descriptor: how to load it, the tables with their row counts and fields, the article texts, how the data was made
  (the same statements as croissant.json's Responsible-AI fields), licences and the citation from CITATION.cff.
- `data/<table>.parquet`: the package's own Parquet files, byte for byte (typed from the Table Schemas).
- `data/texts/`: the article texts, at the paths `sources.text_path` names (third-party copyright, said in the card).

No loading script: the Hub's viewer and `datasets.load_dataset(DIR_OR_REPO, "<table>")` read the configs. The YAML
is written as JSON scalars (YAML 1.2 reads JSON), so no YAML library is needed. Deterministic: the same package gives
the same bytes.
"""

from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path

from ..package import Package
from . import Format, write_folder
from .croissant import RAI, cite_as

SPLIT = "train"  # one split: the Hub's convention for data that is not divided for training and evaluation
TASKS = {"token-classification": ["named-entity-recognition"], "text-classification": ["fact-checking"]}
SIZES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
         (10_000_000, "1M<n<10M")]
HF_LICENSES = {"CC-BY-4.0": "cc-by-4.0"}
TEXT_LICENSE = ("The article texts are third-party copyright, shipped unchanged only so that every span can be "
                "verified; they are covered by neither the data licence (CC BY 4.0) nor the code licence (MIT) "
                "(LICENSE-DATA.md in the package's repository).")
ABOUT = {  # Croissant RAI statements shown in the card, with their headings
    "rai:dataCollection": "How the articles were collected",
    "rai:dataAnnotationProtocol": "How the data was annotated",
    "rai:annotatorDemographics": "Who annotated it",
    "rai:personalSensitiveInformation": "Personal information",
    "rai:dataBiases": "Known biases",
    "rai:dataLimitations": "Limitations",
    "rai:dataUseCases": "Intended uses",
}


def _yaml(value, indent: int = 0) -> list[str]:
    """Block YAML for dicts and lists of scalars, dicts and lists; every scalar as JSON (which YAML 1.2 reads)."""
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines += _yaml(v, indent + (2 if isinstance(v, dict) else 0))
            else:
                lines.append(f"{pad}{k}: {json.dumps(v, ensure_ascii=False)}")
    else:
        for item in value:
            sub = (_yaml(item, indent + 2) if isinstance(item, (dict, list))
                   else [f"{pad}  {json.dumps(item, ensure_ascii=False)}"])
            lines.append(f"{pad}- {sub[0].lstrip()}")
            lines += sub[1:]
    return lines


def _md(text) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


class Card:
    def __init__(self, pkg: Package):
        self.pkg = pkg
        self.d = pkg.descriptor
        # the descriptor's words, read once: (SPDX id, title, URL) per licence; the package's name, title, summary
        self.licence_rows = [(lic.get("name", ""), lic.get("title") or lic.get("name", ""), lic.get("path", ""))
                         for lic in self.d.get("licenses", [])]
        self.name, self.title, self.summary, self.homepage = (self.d.get(k) or "" for k in
                                                              ("name", "title", "description", "homepage"))
        self.title = self.title or self.name
        import pyarrow.parquet as pq

        self.rows = {name: pq.ParquetFile(t.parquet_path).metadata.num_rows for name, t in pkg.tables.items()}
        self.articles = next(t for t in pkg.tables.values() if t.model.field_of_kind("text-path"))

    @functools.cached_property
    def article_rows(self) -> list[dict]:
        """The articles table's rows, read once (the header, the texts section and the export each use them)."""
        import pyarrow.parquet as pq

        return pq.ParquetFile(self.articles.parquet_path).read().to_pylist()

    def _column(self, kind: str) -> str | None:
        f = self.articles.model.field_of_kind(kind)
        return f.name if f else None

    def header(self) -> dict:
        lang = self._column("language-tag")
        total = sum(self.rows.values())
        licences = [HF_LICENSES[spdx] for spdx, _, _ in self.licence_rows if spdx in HF_LICENSES]
        configs = []
        for i, name in enumerate(self.pkg.tables):
            config = {"config_name": name, "data_files": [{"split": SPLIT, "path": f"data/{name}.parquet"}]}
            if i == 0:
                config["default"] = True
            configs.append(config)
        return {
            "license": licences[0] if len(licences) == 1 else licences or "other",
            "pretty_name": self.title,
            "language": sorted({r[lang] for r in self.article_rows}) if lang else [],
            "task_categories": list(TASKS),
            "task_ids": [t for ids in TASKS.values() for t in ids],
            "size_categories": [next(label for bound, label in SIZES if total < bound)],
            "tags": self.d.get("keywords", []),
            "configs": configs,
        }

    def loading(self) -> list[str]:
        first = next(iter(self.pkg.tables))
        return ["## Loading", "",
                "Each table is a config; every config has one split, `train`, with all the table's rows:", "",
                "```python", "from datasets import load_dataset", "",
                f'{first} = load_dataset("PATH_OR_REPO_ID", "{first}", split="{SPLIT}")  # the default config',
                "tables = {name: load_dataset(\"PATH_OR_REPO_ID\", name, split=\"train\") for name in "
                f"{list(self.pkg.tables)!r}}}", "```", "",
                "The Parquet files are the package's own (typed from its Table Schemas: strings, 64-bit integers, "
                "floats, booleans, dates; empty cells are nulls); pandas, polars or DuckDB read them directly too. "
                f"Rows that point at characters of an article carry {self._span_columns()}.", ""]

    def _span_columns(self) -> str:
        span = next(t.model.span for t in self.pkg.tables.values() if t.model and t.model.span)
        return (f"`{span.source}` (the article), `{span.start}` and `{span.end}` (0-based Unicode code point offsets, "
                f"end exclusive) and `{span.text}`, with `article[{span.start}:{span.end}] == {span.text}` for every row")

    def tables(self) -> list[str]:
        out = ["## Tables", "", "| config | rows | one row per | primary key |", "|---|---:|---|---|"]
        for name, t in self.pkg.tables.items():
            res = t.model
            out.append(f"| `{name}` | {self.rows[name]} | {_md(res.description)} | "
                       f"{', '.join(f'`{k}`' for k in res.primary_key)} |")
        out.append("")
        for name, t in self.pkg.tables.items():
            res = t.model
            out += [f"### `{name}`: {res.title}", "", _md(res.description), "",
                    "| field | type | description |", "|---|---|---|"]
            for f in res.fields:
                extra = []
                if f.required:
                    extra.append("required")
                if f.vocabulary:
                    extra.append("one of " + ", ".join(f"`{v}`" for v in f.vocabulary.values))
                if f.references:
                    extra.append(f"references `{f.references}`")
                note = f" ({'; '.join(extra)})" if extra else ""
                out.append(f"| `{f.name}` | {f.type} | {_md(f.description)}{_md(note)} |")
            out.append("")
        return out

    def texts(self) -> list[str]:
        sid, path, sha = self.articles.model.primary_key[0], self._column("text-path"), self._column("text-sha256")
        label = self.articles.model.label
        out = ["## The article texts", "",
               f"`data/texts/` holds the {self.rows[self.articles.name]} article texts, byte-identical to what the "
               f"curators received, at the paths `{self.articles.name}.{path}` names; `{self.articles.name}.{sha}` is "
               "their SHA-256. Offsets are code points into the text decoded as UTF-8 with no newline translation "
               f"(`open(path, encoding=\"utf-8\", newline=\"\")`). {TEXT_LICENSE}", "",
               "| article | headline | SHA-256 |", "|---|---|---|"]
        for r in self.article_rows:
            out.append(f"| `{r[sid]}` | {_md(r[label] or '(none printed)') if label else ''} | `{r[sha]}` |")
        return out + [""]

    def about(self) -> list[str]:
        out = ["## How the data was made", ""]
        for key, heading in ABOUT.items():
            out += [f"**{heading}.** {RAI[key]}", ""]
        return out

    def licences(self) -> list[str]:
        out = ["## Licences", ""]
        for _, title, url in self.licence_rows:
            out.append(f"- [{title}]({url})")
        return out + [f"- {TEXT_LICENSE}", ""]

    def citation(self) -> list[str]:
        return ["## Citation", "", "From the package's CITATION.cff:", "", "```bibtex",
                cite_as(self.pkg.root, self.homepage or None), "```", ""]

    def render(self) -> str:
        lines = ["---", *_yaml(self.header()), "---", "", f"# {self.title}", "", self.summary, "",
                 f"Version {self.pkg.version} of the data package [{self.name}]({self.homepage}), "
                 "written by `vostochny-summit export huggingface`. The package's README, codebook (CURATION.md) and "
                 "changelog are in its repository.", ""]
        for part in (self.loading, self.tables, self.texts, self.about, self.licences, self.citation):
            lines += part()
        return "\n".join(lines).rstrip("\n") + "\n"


def write(pkg: Package, out: Path) -> list[Path]:
    card = Card(pkg)
    path_col = card._column("text-path")
    texts = sorted({r[path_col] for r in card.article_rows})

    def fill(folder: Path) -> None:
        (folder / "data").mkdir()
        (folder / "README.md").write_text(card.render(), encoding="utf-8")
        for name, t in pkg.tables.items():
            shutil.copyfile(t.parquet_path, folder / "data" / f"{name}.parquet")
        for rel in texts:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(pkg.root / rel, folder / rel)

    return write_folder(out, fill)


FORMAT = Format("huggingface", "a Hugging Face Hub dataset folder: dataset card (one config per table), the Parquet "
                "files and the article texts", "folder", "-huggingface", write, example="hf-dataset")
