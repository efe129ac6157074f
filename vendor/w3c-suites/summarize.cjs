// Prints "passed failed pending total deviating stale" of a mocha JSON report (issue #15 point
// 9). With a deviations file and the suite name, `deviating` counts the failed tests listed there
// for that suite (a documented, specification-based deviation: docs/CONFORMANCE.md) and `stale`
// the listed tests that did not fail (the list must then be updated). With --failures it prints
// the title and first message line of each failed test, marking the listed ones.
'use strict';
const fs = require('fs');
const args = process.argv.slice(2);
const failuresOnly = args.includes('--failures');
const [file, deviationsFile, suite] = args.filter(a => a !== '--failures');
let r;
try {
  r = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch(e) {
  console.log('0 0 0 0 0 0 unreadable-report');
  process.exit(0);
}
let listed = [];
if(deviationsFile) {
  listed = JSON.parse(fs.readFileSync(deviationsFile, 'utf8'))
    .filter(d => d.suite === suite);
}
const failed = r.failures || [];
const isListed = t => listed.some(d => t.fullTitle.includes(d.title));
const s = r.stats || {};
if(failuresOnly) {
  for(const t of failed) {
    const msg = ((t.err && t.err.message) || '').split('\n')[0].slice(0, 200);
    console.log(`- ${isListed(t) ? '(documented deviation) ' : ''}${t.fullTitle}: ${msg}`);
  }
} else {
  const total = (s.passes || 0) + (s.failures || 0) + (s.pending || 0);
  const deviating = failed.filter(isListed).length;
  const stale = listed.filter(d => !failed.some(t => t.fullTitle.includes(d.title))).length;
  console.log(`${s.passes || 0} ${s.failures || 0} ${s.pending || 0} ${total} ${deviating} ${stale}`);
}
