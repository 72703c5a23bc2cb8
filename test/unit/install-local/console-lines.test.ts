import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { cleanConsoleText, ConsoleLineSplitter, RecentLines } from "../../../src/steps/qemu/console-lines.js";

describe("ConsoleLineSplitter", () => {
  test("joins a line split across chunks and keeps the partial rest", () => {
    const splitter = new ConsoleLineSplitter();
    assert.deepEqual(splitter.push("Installing ba"), []);
    assert.equal(splitter.hasPartial, true);
    assert.deepEqual(splitter.push("sh (1/2)\nInstalling co"), ["Installing bash (1/2)"]);
    assert.deepEqual(splitter.push("reutils (2/2)\n"), ["Installing coreutils (2/2)"]);
    assert.equal(splitter.hasPartial, false);
  });

  test("treats CRLF as one line end, also when split between chunks", () => {
    const splitter = new ConsoleLineSplitter();
    assert.deepEqual(splitter.push("one\r"), ["one"]);
    assert.deepEqual(splitter.push("\ntwo\r\nthree\r\n"), ["two", "three"]);
  });

  test("a lone CR ends a line, so each redraw of a progress line is seen", () => {
    const splitter = new ConsoleLineSplitter();
    assert.deepEqual(splitter.push("10%\r20%\r30%\n"), ["10%", "20%", "30%"]);
  });

  test("drops ANSI escapes, control characters and empty lines", () => {
    const splitter = new ConsoleLineSplitter();
    const chunk =
      "\x1b[1;32mOK\x1b[0m Started\x1b[K\n\n\x1b]0;title\x07\x1b(B\x1b[?25lPlease make a selection\x00\n   \n";
    assert.deepEqual(splitter.push(chunk), ["OK Started", "Please make a selection"]);
  });

  test("reads a dialog drawn row by row with cursor moves, without its line-drawing frame", () => {
    const splitter = new ConsoleLineSplitter();
    // As debian-installer's newt draws on a serial console: ESC(0 … ESC(B draws the frame, CUP moves rows,
    // and the line-drawing set stays selected across a row move.
    const chunk =
      "\x1b[5;4H\x1b(0lqqu\x1b(B [!!] Configure the network \x1b(0tqqk\x1b[6;4Hx\x1b(B Name server addresses:" +
      " \x1b(0x\x1b(B\x1b[7;4H\x0eqqq\x0f <Continue>\r\n";
    assert.deepEqual(splitter.push(chunk), [
      " [!!] Configure the network",
      " Name server addresses:",
      " <Continue>",
    ]);
  });

  test("reassembles UTF-8 characters split between chunks", () => {
    const splitter = new ConsoleLineSplitter();
    const bytes = Buffer.from("Installation terminée ✓\n");
    const cut = bytes.indexOf(Buffer.from("é")) + 1;
    assert.deepEqual(splitter.push(bytes.subarray(0, cut)), []);
    assert.deepEqual(splitter.push(bytes.subarray(cut)), ["Installation terminée ✓"]);
  });

  test("flush hands over a prompt that never got its newline", () => {
    const splitter = new ConsoleLineSplitter();
    splitter.push("Please make a selection from the above ['c' to continue]: ");
    assert.deepEqual(splitter.flush(), ["Please make a selection from the above ['c' to continue]:"]);
    assert.deepEqual(splitter.flush(), []);
  });
});

test("cleanConsoleText keeps tabs and trims trailing blanks", () => {
  assert.equal(cleanConsoleText("\x1b[31mError:\x1b[0m\tdisk  \r"), "Error:\tdisk");
});

test("RecentLines keeps the newest lines, oldest first", () => {
  const recent = new RecentLines(3);
  for (const line of ["a", "b", "c", "d"]) recent.add(line);
  assert.deepEqual(recent.snapshot(), ["b", "c", "d"]);
  assert.equal(recent.text(), "b\nc\nd");
});
