"""Jupyter's kernel conformance suite (jupyter_kernel_test, as kernel authors use it) against the
workbook's kernel, with TypeScript samples, plus checks of what the workbook adds to the protocol.

Run by test/notebooks-kernel.test.ts, which sets JUPYTER_PATH (so Jupyter finds jupyter/kernels/)
and WORKBOOK_KERNEL (the kernel's name). Usage: /usr/bin/python3 test/python/kernel_conformance.py

Left empty, so the suite skips them: code_page_something (the kernel has no pager, IPython's `?`)
and code_clear_output (it has no call that sends clear_output).
"""
import json
import os
import unittest

import jupyter_kernel_test

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHOW = "import { show } from './lib/notebook/show';\n"


class WorkbookKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ["WORKBOOK_KERNEL"]
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = "console.log('hello, world')"
    code_stderr = "console.error('to stderr')"
    completion_samples = [
        {"text": "Math.ma", "matches": ["max"]},
        {"text": "[1, 2].inclu", "matches": ["includes"]},
    ]
    complete_code_samples = ["1 + 2", "const x = 1;", "function f() {\n  return 1;\n}"]
    incomplete_code_samples = ["function f() {", "const a = [1, 2,", "if (true) {\n  console.log(1);"]
    invalid_code_samples = [")", "const = 5;"]
    code_generate_error = "throw new Error('boom')"
    code_execute_result = [
        {"code": "1 + 2", "result": "3"},
        {"code": "'a' + 'b'", "result": "'ab'"},
        {"code": "[1, 2].map((x) => x * 2)", "result": "[ 2, 4 ]"},
    ]
    code_display_data = [
        {"code": "import { display } from 'tslab';\ndisplay.html('<b>bold</b>');", "mime": "text/html"},
        # the workbook's show(): a frame as a table, a figure in Plotly's own MIME type
        {"code": SHOW + "import { DataFrame } from 'danfojs';\nshow(new DataFrame({ a: [1, 2] }));", "mime": "text/html"},
        {"code": SHOW + "show({ data: [{ type: 'bar', y: [1, 2] }], layout: {} });", "mime": "application/vnd.plotly.v1+json"},
    ]
    code_history_pattern = "1 + *"
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"

    def test_kernel_info_names_the_typescript_that_runs(self):
        self.flush_channels()
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=jupyter_kernel_test.TIMEOUT)
        with open(os.path.join(ROOT, "node_modules", "@tslab", "typescript-for-tslab", "package.json")) as f:
            running = json.load(f)["version"]
        self.assertEqual(reply["content"]["language_info"]["version"], running)

    def test_compile_error_is_an_error_message(self):
        self.flush_channels()
        reply, outputs = self.execute_helper("const n: number = 'text';")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "CompileError")
        self.assertEqual([m["msg_type"] for m in outputs], ["error"])
        self.assertIn("is not assignable to type 'number'", "\n".join(outputs[0]["content"]["traceback"]))

    def test_runtime_error_carries_its_name_message_and_stack(self):
        self.flush_channels()
        reply, outputs = self.execute_helper("(null as any).f()")
        self.assertEqual(reply["content"]["status"], "error")
        error = outputs[0]["content"]
        self.assertEqual(error["ename"], "TypeError")
        self.assertIn("Cannot read properties of null", error["evalue"])
        self.assertTrue(error["traceback"][0].startswith("TypeError: "), error["traceback"])

    # As a Run All expects: cells sent before the failure are not run; one sent after its reply is.
    def test_error_aborts_the_requests_queued_behind_it_only(self):
        self.flush_channels()
        failing = self.kc.execute("throw new Error('first')")
        queued = self.kc.execute("console.log('queued')")
        replies = {}
        while len(replies) < 2:
            reply = self.get_non_kernel_info_reply(timeout=jupyter_kernel_test.TIMEOUT)
            replies[reply["parent_header"]["msg_id"]] = reply["content"]["status"]
        self.assertEqual(replies, {failing: "error", queued: "aborted"})
        self.flush_channels()
        reply, outputs = self.execute_helper("console.log('after')")
        self.assertEqual(reply["content"]["status"], "ok")

    def test_show_sends_every_representation_in_one_message(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(SHOW + "import { DataFrame } from 'danfojs';\nshow(new DataFrame({ p: [0.5] }));")
        self.assertEqual([m["msg_type"] for m in outputs], ["display_data"])
        data = outputs[0]["content"]["data"]
        self.assertEqual(sorted(data), ["text/html", "text/plain"])
        self.assertIn("<td>0.500</td>", data["text/html"])

    def test_progress_redraws_one_display_in_place(self):
        self.flush_channels()
        reply, outputs = self.execute_helper(
            "import { progressDisplay } from './lib/notebook/progress';\n"
            "{\n"
            "  const progress = progressDisplay();\n"
            "  progress({ label: 'blocks', done: 1, total: 2, unit: 'blocks' });\n"
            "  await new Promise((resolve) => setTimeout(resolve, 300));\n"
            "  progress({ label: 'blocks', done: 2, total: 2, unit: 'blocks', finished: true });\n"
            "}"
        )
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual([m["msg_type"] for m in outputs], ["display_data", "update_display_data"])
        self.assertEqual(len({m["content"]["transient"]["display_id"] for m in outputs}), 1)
        self.assertIn("1 of 2 blocks", outputs[0]["content"]["data"]["text/plain"])
        self.assertIn("2 of 2 blocks", outputs[1]["content"]["data"]["text/plain"])

    def test_silent_execution_broadcasts_nothing(self):
        self.flush_channels()
        reply, outputs = self.execute_helper("console.log('quiet'); 42", silent=True)
        self.assertEqual(reply["content"]["status"], "ok")
        self.assertEqual(outputs, [])


if __name__ == "__main__":
    unittest.main(verbosity=2)
