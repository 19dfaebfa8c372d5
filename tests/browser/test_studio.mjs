// test_studio.mjs - `strata db studio` in a real browser: Playwright
// (playwright-core from npm) driving Debian's Chromium headless against
// the example shop (examples/shop: migrations deployed and seed applied
// by strata itself, plus tests/browser/shop_extra.sql) on the test cluster.
// Browses, sorts, filters, edits cells (checked with SQL), adds and deletes
// rows, follows foreign keys both ways, reads the migrations table and the
// `migrate status` panel, and saves docs/studio.png for the README.
//
// Prints "ok - " / "not ok - " lines for tests/run.sh.  Installs
// playwright-core into tests/browser/node_modules when it is missing.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const STRATA = process.env.STRATA || join(ROOT, process.env.BUILD || 'build', 'strata');
const PGPORT = process.env.STRATA_TEST_PGPORT;
const PGHOST = process.env.STRATA_TEST_PGHOST || '127.0.0.1';
const CHROMIUM = '/usr/bin/chromium';
const SHOP = join(ROOT, 'examples', 'shop');

let passed = 0, failed = 0;
const skipAll = (why) => { console.log(`ok - studio browser tests # SKIP ${why}`); process.exit(0); };

if (!PGPORT) skipAll('no test cluster (run through tests/run.sh)');
if (!existsSync(CHROMIUM)) skipAll(`${CHROMIUM} is missing (make deps installs Debian's chromium)`);
if (!existsSync(join(SHOP, 'schema.prisma'))) skipAll('examples/shop is missing');

async function loadPlaywright() {
  const entry = join(HERE, 'node_modules', 'playwright-core', 'index.mjs');
  if (!existsSync(entry)) {
    console.log('# installing playwright-core into tests/browser/node_modules');
    try {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'],
        { cwd: HERE, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (e) {
      skipAll('playwright-core could not be installed with npm');
    }
  }
  return import(entry);
}

function psql(db, sql) {
  return execFileSync('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', PGHOST,
    '-p', PGPORT, '-U', 'postgres', '-d', db, '-c', sql], { encoding: 'utf8' }).trim();
}

function strata(...args) {
  return execFileSync(STRATA, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

async function test(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}`);
    for (const line of String(e && e.stack || e).split('\n').slice(0, 6)) console.log(`#   ${line}`);
  }
}

function eq(actual, expected, what) {
  const a = JSON.stringify(actual), b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what || 'value'}: expected ${b}, got ${a}`);
}

async function until(fn, what, ms = 5000) {
  const end = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) { last = e.message; }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/* ==== database: the example shop, deployed and seeded by strata ==== */

const DB = `shop_studio_${process.pid}`;
const URL_DB = `postgresql://postgres@${PGHOST}:${PGPORT}/${DB}`;
psql('postgres', `DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`);
psql('postgres', `CREATE DATABASE "${DB}"`);
const SCHEMA = join(SHOP, 'schema.prisma');
strata('migrate', 'deploy', '--schema', SCHEMA, '--url', URL_DB);
strata('db', 'seed', '--schema', SCHEMA, '--url', URL_DB);
execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', PGHOST, '-p', PGPORT, '-U', 'postgres',
  '-d', DB, '-f', join(HERE, 'shop_extra.sql')], { stdio: ['ignore', 'ignore', 'inherit'] });

/* ==== the studio on a free port ==== */

const studio = spawn(STRATA, ['db', 'studio', '--port', '0', '--no-open', '--schema', SCHEMA, '--url', URL_DB],
  { stdio: ['ignore', 'pipe', 'pipe'] });
let studioOut = '';
studio.stdout.on('data', (d) => { studioOut += d; });
studio.stderr.on('data', (d) => { studioOut += d; });
const studioUrl = await until(() => (studioOut.match(/running at (\S+)/) || [])[1], 'the studio URL');

const { chromium } = await loadPlaywright();
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run',
    '--disable-component-update', '--disable-sync', '--disable-quic'],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 720 }, colorScheme: 'light' });
page.setDefaultTimeout(8000);
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });

/* ==== page helpers ==== */

const title = () => page.textContent('#table-title');
const sidebar = () => page.$$eval('#table-list li.tbl', (els) => els.map((e) => e.querySelector('.tname').textContent));
/* values of one column of the grid, by header name */
const column = (name) => page.evaluate((name) => {
  const heads = [...document.querySelectorAll('#grid thead th')];
  const i = heads.findIndex((th) => th.querySelector('.cn span:not(.key):not(.fk):not(.arrow)')?.textContent === name);
  if (i < 0) return null;
  return [...document.querySelectorAll('#grid tbody tr:not(.noresults)')].map((tr) => {
    const td = tr.children[i];
    const v = td.querySelector('.fkval') ? td.querySelector('.fkval').firstChild.textContent : td.textContent;
    return v;
  });
}, name);
const cell = async (colName, rowIndex) => {
  const idx = await page.evaluate((name) => {
    const heads = [...document.querySelectorAll('#grid thead th')];
    return heads.findIndex((th) => th.querySelector('.cn span:not(.key):not(.fk):not(.arrow)')?.textContent === name);
  }, colName);
  return page.locator(`#grid tbody tr[data-r="${rowIndex}"] > :nth-child(${idx + 1})`);
};
const rowOf = async (colName, value) => {
  const vals = await column(colName);
  const r = vals ? vals.indexOf(value) : -1;
  if (r < 0) throw new Error(`no row with ${colName} = ${value} (have ${JSON.stringify(vals)})`);
  return r;
};
async function openTable(name) {
  if (await page.inputValue('#table-search')) {
    await page.fill('#table-search', '');
  }
  await page.click(`#table-list li.tbl[data-name="${name}"]`);
  await until(async () => (await title()) === name && !(await page.getAttribute('#grid-wrap', 'aria-busy')), `table ${name}`);
  await page.waitForSelector('#grid tbody tr');
}
const gridReady = () => until(async () => !(await page.getAttribute('#grid-wrap', 'aria-busy')), 'the grid');

/* ==== tests ==== */

await test('the studio opens from its printed URL and lists the shop\'s tables with model names', async () => {
  await page.goto(studioUrl);
  await page.waitForSelector('#table-list li.tbl');
  const names = await sidebar();
  for (const t of ['users', 'orders', 'order_items', 'products', '_prisma_migrations']) {
    if (!names.includes(t)) throw new Error(`missing ${t} in ${names}`);
  }
  eq(await page.textContent('#table-list li.tbl[data-name="order_items"] .model'), 'OrderItem', 'model name');
});

await test('the token leaves the address bar', async () => {
  if (page.url().includes('token=')) throw new Error(page.url());
});

await test('"/" searches tables and Enter opens the match', async () => {
  await page.keyboard.press('/');
  await page.keyboard.type('perm');
  eq(await sidebar(), ['permissions', 'role_permissions'], 'filtered list');
  await page.keyboard.press('Enter');
  await until(async () => (await title()) === 'permissions', 'permissions');
  await gridReady();
  eq((await column('name')).length, Number(psql(DB, 'SELECT count(*) FROM permissions')), 'row count');
});

await test('clicking a header sorts as SQL does, then descending', async () => {
  await page.click('#grid thead th:has-text("name")');
  await until(async () => JSON.stringify(await column('name')) ===
    JSON.stringify(psql(DB, 'SELECT name FROM permissions ORDER BY name').split('\n')), 'ascending order');
  await page.click('#grid thead th:has-text("name")');
  await until(async () => JSON.stringify(await column('name')) ===
    JSON.stringify(psql(DB, 'SELECT name FROM permissions ORDER BY name DESC').split('\n')), 'descending order');
});

await test('the filter bar narrows the rows (contains, AND)', async () => {
  await page.click('#btn-filter');
  const row = page.locator('#filters .frow').last();
  await row.locator('.fcol').selectOption('name');
  await row.locator('.fop').selectOption('contains');
  await row.locator('.val').fill('WRITE');
  await row.locator('.val').press('Enter');
  const want = psql(DB, "SELECT name FROM permissions WHERE name ILIKE '%write%' ORDER BY name DESC").split('\n');
  await until(async () => JSON.stringify(await column('name')) === JSON.stringify(want), 'filtered rows');
  await page.click('#btn-filter');
  const row2 = page.locator('#filters .frow').last();
  await row2.locator('.fcol').selectOption('name');
  await row2.locator('.fop').selectOption('contains');
  await row2.locator('.val').fill('order');
  await row2.locator('.val').press('Enter');
  await until(async () => JSON.stringify(await column('name')) === JSON.stringify(['orders:write']), 'two filters');
  await page.click('#filters button:has-text("Clear")');
  await until(async () => (await column('name')).length > 2, 'cleared filters');
});

await test('editing a cell inline (double-click, type, Enter) changes the database', async () => {
  await openTable('users');
  const r = await rowOf('email', 'grace@example.com');
  await (await cell('name', r)).dblclick();
  const input = page.locator('#grid td.editing input');
  await input.fill('Grace B. Hopper');
  await input.press('Enter');
  await until(() => psql(DB, "SELECT name FROM users WHERE email = 'grace@example.com'") === 'Grace B. Hopper', 'the SQL value');
  await until(async () => (await column('name'))[r] === 'Grace B. Hopper', 'the grid value');
});

await test('keyboard editing: arrows to a boolean cell, Enter, choose, Enter', async () => {
  const r = await rowOf('email', 'ken@example.com');
  await (await cell('email', r)).click();
  await page.keyboard.press('ArrowRight'); /* name */
  await page.keyboard.press('ArrowRight'); /* password_hash */
  await page.keyboard.press('ArrowRight'); /* role_id */
  await page.keyboard.press('ArrowRight'); /* is_active */
  await page.keyboard.press('Enter');
  const sel = page.locator('#grid td.editing select');
  await sel.selectOption('true');
  await sel.press('Enter');
  await until(() => psql(DB, "SELECT is_active FROM users WHERE email = 'ken@example.com'") === 't', 'is_active = true');
});

await test('an enum cell edits with a select of its labels', async () => {
  await openTable('orders');
  const r = await rowOf('order_number', 'ORD-0003');
  await (await cell('status', r)).dblclick();
  const sel = page.locator('#grid td.editing select');
  const labels = await sel.locator('option').allTextContents();
  eq(labels, ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'REFUNDED'], 'enum labels');
  await sel.selectOption('REFUNDED');
  await sel.press('Enter');
  await until(() => psql(DB, "SELECT status FROM orders WHERE order_number = 'ORD-0003'") === 'REFUNDED', 'status');
});

await test('NULL and the empty string stay different', async () => {
  await openTable('products');
  const r = await rowOf('slug', 'canvas-tote');
  await (await cell('description', r)).dblclick();
  await page.click('#grid td.editing button:has-text("NULL")');
  await until(() => psql(DB, "SELECT description IS NULL FROM products WHERE slug = 'canvas-tote'") === 't', 'NULL');
  await until(async () => (await column('description'))[r] === 'NULL', 'NULL shown');
  await (await cell('description', r)).dblclick();
  await page.locator('#grid td.editing input').fill('');
  await page.locator('#grid td.editing input').press('Enter');
  await until(() => psql(DB, "SELECT coalesce(length(description)::text, 'null') FROM products WHERE slug = 'canvas-tote'") === '0', 'empty string');
  await until(async () => (await column('description'))[r] === 'empty', 'empty shown');
});

await test('adding a row through the dialog', async () => {
  await openTable('categories');
  await page.click('#btn-add');
  await page.waitForSelector('#dlg-row[open]');
  await page.fill('#dlg-row input[name="name"]', 'Outerwear');
  await page.fill('#dlg-row input[name="slug"]', 'outerwear');
  await page.click('#row-form-save');
  await until(() => psql(DB, "SELECT count(*) FROM categories WHERE slug = 'outerwear' AND description IS NULL") === '1', 'the new row');
  await until(async () => (await column('slug')).includes('outerwear'), 'the new row in the grid');
});

await test('deleting selected rows asks first; Cancel keeps them, Delete removes them', async () => {
  const r = await rowOf('slug', 'outerwear');
  await page.locator(`#grid tbody tr[data-r="${r}"] td.chk input`).check();
  eq(await page.textContent('#btn-delete'), 'Delete 1', 'delete button');
  await page.click('#btn-delete');
  await page.waitForSelector('#dlg-confirm[open]');
  await page.click('#confirm-cancel');
  eq(psql(DB, "SELECT count(*) FROM categories WHERE slug = 'outerwear'"), '1', 'kept after Cancel');
  await page.click('#btn-delete');
  await page.waitForSelector('#dlg-confirm[open]');
  if (!(await page.textContent('#confirm-text')).includes('"categories"')) throw new Error('confirmation text');
  await page.click('#confirm-ok');
  await until(() => psql(DB, "SELECT count(*) FROM categories WHERE slug = 'outerwear'") === '0', 'the row deleted');
  await until(async () => !(await column('slug')).includes('outerwear'), 'the row gone from the grid');
});

let followedUser;
await test('a foreign-key cell opens the referenced row', async () => {
  await openTable('orders');
  const r = await rowOf('order_number', 'ORD-0002');
  followedUser = psql(DB, "SELECT user_id FROM orders WHERE order_number = 'ORD-0002'");
  await (await cell('user_id', r)).locator('button.go').click();
  await until(async () => (await title()) === 'users', 'users');
  await gridReady();
  eq(await column('id'), [followedUser], 'the referenced row');
  eq((await column('email'))[0], psql(DB, `SELECT email FROM users WHERE id = ${followedUser}`), 'its email');
});

await test('row details list the referencing rows, which open filtered', async () => {
  await (await cell('id', 0)).click();
  await page.keyboard.press('o');
  await page.waitForSelector('#drawer:not([hidden])');
  const fields = await page.$$eval('#drawer dl > *', (els) => els.map((e) => e.textContent));
  const at = fields.indexOf('email');
  eq(fields[at + 1], psql(DB, `SELECT email FROM users WHERE id = ${followedUser}`), 'the row panel shows the row');
  await page.click('#drawer button:has-text("orders (user_id)")');
  await until(async () => (await title()) === 'orders', 'orders');
  await gridReady();
  const want = psql(DB, `SELECT order_number FROM orders WHERE user_id = ${followedUser} ORDER BY id`).split('\n');
  eq(await column('order_number'), want, 'the referencing orders');
});

await test('Back returns to the previous table', async () => {
  await page.goBack();
  await until(async () => (await title()) === 'users', 'users again');
});

await test('paging: Next and Previous walk the rows with a small page size', async () => {
  await openTable('order_items');
  await page.selectOption('#page-size', '25');
  await gridReady();
  const first = await column('id');
  eq(first.length, 25, 'first page');
  await page.click('#btn-next');
  await until(async () => (await column('id'))[0] !== first[0], 'second page');
  const second = await column('id');
  eq(first.concat(second), psql(DB, 'SELECT id FROM order_items ORDER BY id').split('\n'), 'every id once, in order');
  await page.click('#btn-prev');
  await until(async () => (await column('id'))[0] === first[0], 'back to the first page');
  await page.selectOption('#page-size', '50');
  await gridReady();
});

await test('screenshot for the README (docs/studio.png)', async () => {
  await openTable('orders');
  await (await cell('status', 1)).click();
  await page.keyboard.press('o');
  await page.waitForSelector('#drawer:not([hidden])');
  // The README's picture is refreshed only on request, so that a test run
  // leaves the work tree clean: STRATA_UPDATE_SCREENSHOT=1 make test.
  const shot = process.env.STRATA_UPDATE_SCREENSHOT === '1'
    ? join(ROOT, 'docs', 'studio.png')
    : join(ROOT, process.env.BUILD || 'build', 'studio.png');
  mkdirSync(dirname(shot), { recursive: true });
  await page.screenshot({ path: shot });
  await page.keyboard.press('Escape');
});

await test('the _prisma_migrations table shows status colours and migrate status', async () => {
  await openTable('_prisma_migrations');
  await page.waitForSelector('#migrate-panel:not([hidden])');
  eq(await page.textContent('#migrate-panel pre'), 'Database schema is up to date!', 'panel message');
  eq(await page.$$eval('#grid tbody tr', (trs) => trs.map((tr) => tr.className.trim())), ['m-applied'], 'row status');
  psql(DB, `INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at, rolled_back_at, applied_steps_count)
    VALUES ('f1', 'x', '20990101000000_broken', 'ERROR: boom', now() + interval '1 min', NULL, 0),
           ('r1', 'x', '20990101000001_undone', NULL, now() + interval '2 min', now(), 0)`);
  await page.click('#btn-refresh');
  await until(async () => JSON.stringify(await page.$$eval('#grid tbody tr', (trs) => trs.map((tr) => tr.className.trim()))) ===
    JSON.stringify(['m-applied', 'm-failed', 'm-rolled-back']), 'applied, failed, rolled back rows');
  eq(await page.$$eval('#grid tbody td.mstatus .badge', (b) => b.map((x) => x.textContent)), ['applied', 'failed', 'rolled back'], 'badges');
  await page.keyboard.press('m');
  await page.waitForSelector('#dlg-status[open] table.mig');
  const msg = await page.textContent('#dlg-status .status-msg');
  if (!msg.startsWith('Following migration have failed:')) throw new Error(msg);
  await page.keyboard.press('Escape');
});

await test('the page logged no script errors', async () => {
  eq(pageErrors, [], 'page errors');
});

await browser.close();
studio.kill('SIGTERM');
await new Promise((r) => studio.once('exit', r));
try { psql('postgres', `DROP DATABASE IF EXISTS "${DB}" WITH (FORCE)`); } catch (_) { /* the cluster goes anyway */ }
console.log(`# ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
