import { invalidAnswerFile } from "./errors.js";

// Just enough of the kickstart grammar to merge fragments and check them: top-level commands, and sections
// from a %header line to %end. pykickstart (in the tests) is the authority on everything else.

export interface KickstartCommand {
  /** The command word, e.g. "part", or a directive such as "%include". */
  name: string;
  line: string;
  lineNo: number;
}

export interface KickstartSection {
  /** The section keyword, e.g. "%post". */
  name: string;
  header: string;
  body: string[];
  lineNo: number;
}

export interface KickstartDocument {
  commands: KickstartCommand[];
  sections: KickstartSection[];
}

export const kickstartSections = [
  "%pre",
  "%pre-install",
  "%post",
  "%onerror",
  "%traceback",
  "%packages",
  "%addon",
  "%anaconda",
  "%certificate",
] as const;

const directives = ["%include", "%ksappend"];

/** Parses kickstart text; `source` names it in errors, e.g. "fragment 2". */
export function parseKickstart(text: string, source: string): KickstartDocument {
  const doc: KickstartDocument = { commands: [], sections: [] };
  let open: KickstartSection | undefined;
  text.split(/\r?\n/).forEach((line, index) => {
    const lineNo = index + 1;
    const word = line.trim().split(/\s+/)[0] ?? "";
    if (open !== undefined) {
      if (word === "%end") {
        open = undefined;
      } else if (isSectionKeyword(word)) {
        throw invalidAnswerFile(
          `${source}, line ${lineNo}: ${word} starts before the ${open.name} section opened on line ${open.lineNo} ` +
            `has ended; add a line "%end" after that section.`,
        );
      } else {
        open.body.push(line);
      }
      return;
    }
    if (word === "" || word.startsWith("#")) return;
    if (isSectionKeyword(word)) {
      open = { name: word, header: line.trim(), body: [], lineNo };
      doc.sections.push(open);
    } else if (word === "%end") {
      throw invalidAnswerFile(`${source}, line ${lineNo}: "%end" closes no section; remove it.`);
    } else if (word.startsWith("%") && !directives.includes(word)) {
      throw invalidAnswerFile(
        `${source}, line ${lineNo}: unknown kickstart section "${word}"; sections are ${kickstartSections.join(", ")}.`,
      );
    } else {
      doc.commands.push({ name: word, line: line.trim(), lineNo });
    }
  });
  if (open !== undefined) {
    throw invalidAnswerFile(
      `${source}: the ${open.name} section opened on line ${open.lineNo} never ends; add a line "%end" after it.`,
    );
  }
  return doc;
}

export function renderKickstart(header: string[], doc: KickstartDocument): string {
  const sections = doc.sections.flatMap((s) => ["", s.header, ...s.body, "%end"]);
  return [...header, ...doc.commands.map((c) => c.line), ...sections].join("\n") + "\n";
}

function isSectionKeyword(word: string): boolean {
  return (kickstartSections as readonly string[]).includes(word);
}
