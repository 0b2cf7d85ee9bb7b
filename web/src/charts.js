// The domestic share (国产化率) of one tenant, or of the whole fleet, over a
// window: by device-hours and by delivered compute, against the target. One
// uPlot chart; every label, legend entry and axis value comes from the
// catalogue and Intl, in the chosen language.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { h } from './dom.js';
import { fmt, t } from './i18n/index.js';

const COLORS = { devices: '#D55E00', compute: '#0072B2', target: '#444' };

export class ShareChart {
  constructor(parent, { height = 170 } = {}) {
    this.height = height;
    this.box = h('div', { class: 'chart' });
    this.empty = h('div', { class: 'chart-empty' }, t('share.empty'));
    parent.append(this.box);
    this.u = null;
    this.resize = new ResizeObserver(() => {
      if (this.u) this.u.setSize({ width: this.width(), height: this.height });
    });
    this.resize.observe(this.box);
  }

  width() { return Math.max(240, this.box.clientWidth || 320); }

  // data: the /v1/share answer.
  set(data) {
    const xs = data.series.map((p) => (p.from + p.to) / 2);
    const dev = data.series.map((p) => p.share_devices);
    const cmp = data.series.map((p) => p.share_compute);
    const target = data.series.map(() => data.target);
    const cols = [xs, dev, cmp, target];
    const spanDays = (data.window.to - data.window.from) / 86400;
    if (!this.u || this.spanDays !== spanDays) this.build(spanDays, cols);
    else this.u.setData(cols);
    const nothing = dev.every((v) => v == null);
    this.empty.textContent = t('share.empty');
    if (nothing) this.box.append(this.empty);
    else this.empty.remove();
  }

  build(spanDays, cols) {
    this.destroyPlot();
    this.spanDays = spanDays;
    const xval = spanDays > 2 ? fmt.date : fmt.hm;  // 24-hour clock on the axis in both languages
    const pct = (u, v) => fmt.pct(v);
    this.u = new uPlot({
      width: this.width(),
      height: this.height,
      scales: { x: { time: true }, y: { range: [0, 1] } },
      axes: [
        { values: (u, splits) => splits.map((s) => xval(s)), size: 28, font: '11px sans-serif' },
        { values: (u, splits) => splits.map((s) => fmt.pct(s, 0)), size: 46, font: '11px sans-serif', splits: () => [0, 0.25, 0.5, 0.75, 1] },
      ],
      series: [
        { label: t('chart.time'), value: (u, v) => (v == null ? '—' : fmt.dateTime(Math.round(v))) },
        { label: t('chart.share_devices'), stroke: COLORS.devices, width: 2, value: pct, points: { show: true, size: 5 } },
        { label: t('chart.share_compute'), stroke: COLORS.compute, width: 1.5, dash: [4, 3], value: pct, points: { show: true, size: 4 } },
        { label: t('chart.target'), stroke: COLORS.target, width: 1, dash: [8, 4], value: pct, points: { show: false } },
      ],
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
    }, cols, this.box);
  }

  destroyPlot() {
    if (this.u) this.u.destroy();
    this.u = null;
  }

  destroy() {
    this.resize.disconnect();
    this.destroyPlot();
    this.box.remove();
  }
}
