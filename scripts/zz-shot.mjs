import { chromium } from 'playwright-core';
const [base, email, ...paths] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
for (const width of [1440, 390]) {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  await page.goto(`${base}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('kontor-demo');
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((u) => u.pathname === '/', { timeout: 60000 });
  for (const p of paths) {
    const r = await page.goto(`${base}${p}`, { timeout: 120000 });
    await page.waitForLoadState('networkidle');
    const name = `/tmp/scratch/shot-${email.split('@')[0]}-${p.replace(/\W+/g, '_')}-${width}.png`;
    await page.screenshot({ path: name, fullPage: width > 500 });
    console.log(r.status(), name);
  }
  await page.close();
}
await browser.close();
