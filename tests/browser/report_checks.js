// report.html of a run (tests/browser_check.py --check-js): the replay draws, its slider
// changes the drawing, Play advances the time, the replay's time is marked on the figures,
// and an event's time in the timeline moves the replay there.  "ok", or what failed.
(async () => {
  const r = window.elbsimReplay;
  if (!r) return 'no window.elbsimReplay: the page script did not run';
  const n = r.frames();
  if (n < 2) return 'the replay has ' + n + ' frames';
  const boxes = document.querySelectorAll('#replay-view rect.tbox').length;
  if (boxes === 0) return 'the replay draws no target boxes';
  const slider = document.getElementById('replay-slider');
  slider.value = 0;
  slider.dispatchEvent(new Event('input'));
  const first = r.drawing();
  const mid = Math.floor(n / 2);
  slider.value = mid;
  slider.dispatchEvent(new Event('input'));
  if (r.frame() !== mid) return 'moving the slider to ' + mid + ' left the replay at ' + r.frame();
  slider.value = n - 1;
  slider.dispatchEvent(new Event('input'));
  if (r.drawing() === first) return 'moving the slider did not change the drawing';
  if (document.querySelectorAll('figure.plot line.tmark').length === 0)
    return 'the replay time is not marked on any figure';
  slider.value = 0;
  slider.dispatchEvent(new Event('input'));
  const t0 = r.time();
  document.getElementById('replay-play').click();
  await new Promise(res => setTimeout(res, 450));
  const playing = r.playing(), t1 = r.time();
  document.getElementById('replay-play').click();
  if (!playing) return 'Play did not start the replay';
  if (!(t1 > t0)) return 'Play did not advance the time (' + t0 + ' -> ' + t1 + ')';
  const ev = document.querySelector('a.ev');
  if (ev) {
    const t = parseFloat(ev.getAttribute('data-t'));
    ev.click();
    if (Math.abs(r.time() - t) > (r.frames() > 1 ? 1e9 : 0) || r.time() > t + 1e-9)
      return 'clicking the event at ' + t + ' s moved the replay to ' + r.time();
    if (!ev.closest('tr').classList.contains('sel')) return 'the clicked event is not highlighted';
  }
  r.set(0);
  return 'ok';
})()
