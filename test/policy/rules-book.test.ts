import { rmSync, writeFileSync } from 'node:fs';
import { createRulesBook } from '../../src/policy/rules-book';
import { createRulesStore } from '../../src/policy/rules-store';
import { tempFile } from '../support/files';
import { captureLog } from '../support/log-capture';

const rules = (name: string) => `rules:\n  - { name: ${name}, action: stream }\n`;
const names = (current: () => readonly { name: string }[]) => current().map((r) => r.name);

it('reads each rules file once, shares it, and after retain() no longer reads a file no account names', () => {
  const logs = captureLog();
  const seedFile = tempFile('seed.yaml', rules('seed'));
  const a = tempFile('a.yaml', rules('a1'));
  const b = tempFile('b.yaml', rules('b1'));
  const book = createRulesBook({}, logs.log, {
    file: seedFile,
    store: createRulesStore(seedFile, {}, logs.log),
  });
  const ofA = book.forFile(a);
  expect(book.forFile(a)).toBe(ofA); // one store per file
  expect(names(book.forFile(b))).toEqual(['b1']);

  book.retain([a]); // the accounts now name a only
  rmSync(b);
  writeFileSync(a, rules('a2'));
  book.reload();
  expect(names(ofA)).toEqual(['a2']);
  const reloaded = logs.lines.filter((l) => l.msg === 'livestream rules reloaded');
  expect(reloaded.map((l) => l.file)).toEqual([seedFile, a]); // the seed stays, b is not read
  expect(logs.lines.filter((l) => l.level === 50)).toEqual([]);

  writeFileSync(b, rules('b2')); // named again: read afresh
  expect(names(book.forFile(b))).toEqual(['b2']);
});
