"""Execute notebooks headlessly with the workbook's kernel (the one each notebook names) and export
them to HTML.

Called by scripts/run-notebooks.js (which sets JUPYTER_PATH so Jupyter finds jupyter/kernels/).
Usage: /usr/bin/python3 scripts/run_notebooks.py OUT_DIR NOTEBOOK.ipynb [...]

The first cell that raises, or writes to stderr (warnings from the libraries included: a clean run
has none), stops that notebook.
"""
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter

CELL_TIMEOUT_S = int(os.environ.get("NOTEBOOK_CELL_TIMEOUT", "900"))


class CellFailed(Exception):
    def __init__(self, index, source, text):
        super().__init__(f"cell {index} failed")
        self.index, self.source, self.text = index, source, text


def failure_text(cell):
    """The stderr text or error of a cell's outputs, or None when the cell ran cleanly."""
    messages = []
    for output in cell.get("outputs", []):
        if output.get("output_type") == "stream" and output.get("name") == "stderr":
            messages.append(output.get("text", ""))
        elif output.get("output_type") == "error":
            messages.append(f"{output.get('ename')}: {output.get('evalue')}")
    return "".join(messages) if messages else None


class StrictClient(NotebookClient):
    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        text = failure_text(cell)
        if text is not None:
            raise CellFailed(cell_index, cell.source, text)
        return cell


def write_atomically(path, text):
    temporary = f"{path}.tmp-{os.getpid()}"
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(temporary, path)


def run(notebook_path, out_dir, root):
    name = os.path.splitext(os.path.basename(notebook_path))[0]
    notebook = nbformat.read(notebook_path, as_version=4)
    client = StrictClient(
        notebook,
        timeout=CELL_TIMEOUT_S,
        allow_errors=True,  # failures are detected by StrictClient, which also catches stderr
        resources={"metadata": {"path": root}},
    )
    started = time.monotonic()
    failure = None
    try:
        client.execute()
    except CellFailed as error:
        failure = error
    except Exception as error:  # kernel death, timeout: report like a failed cell
        failure = CellFailed("?", "", f"{type(error).__name__}: {error}")
    seconds = time.monotonic() - started

    write_atomically(os.path.join(out_dir, f"{name}.ipynb"), nbformat.writes(notebook))
    html, _ = HTMLExporter().from_notebook_node(notebook)
    write_atomically(os.path.join(out_dir, f"{name}.html"), html)
    return failure, seconds


def main():
    out_dir, notebooks = sys.argv[1], sys.argv[2:]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    os.makedirs(out_dir, exist_ok=True)
    failed = []
    for notebook_path in notebooks:
        print(f"running {notebook_path} ...", flush=True)
        failure, seconds = run(notebook_path, out_dir, root)
        if failure is None:
            print(f"  ok in {seconds:.1f} s", flush=True)
        else:
            failed.append(notebook_path)
            print(f"  FAILED in {seconds:.1f} s at cell {failure.index}:", flush=True)
            print("  --- cell source ---\n" + failure.source, flush=True)
            print("  --- kernel output ---\n" + failure.text, flush=True)
    print(f"executed copies in {out_dir}")
    if failed:
        print(f"{len(failed)} of {len(notebooks)} notebooks failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
