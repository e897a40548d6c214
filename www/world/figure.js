// A chart's frame: its title, a "Save PNG" button, the canvas box uPlot
// draws in (hidden from screen readers, which cannot see inside a canvas),
// a legend, a hover readout, and the data table behind the chart (for screen
// readers; kept out of sight).
import { save } from '../app/save.js';
import { chartWidth } from '../app/width.js';

/**
 * One legend entry: the CSS class of its swatch and its words.
 * @typedef {{swatch: string, text: string}} LegendItem
 */

/** Device pixels of a saved PNG per CSS pixel: sharp on slides. */
const PNG_SCALE = 2;

export class Figure {
  /**
   * @param {HTMLElement} parent where the figure goes
   * @param {object} options
   * @param {string} options.title
   * @param {string} options.testid stable test id of the figure
   * @param {LegendItem[]} options.legend
   * @param {string[]} options.columns the data table's column headings
   * @param {() => Promise<string>} options.fileName the PNG's name, without extension
   */
  constructor(parent, { title, testid, legend, columns, fileName }) {
    this.title = title;
    this.fileName = fileName;
    this.figure = document.createElement('figure');
    this.figure.className = 'chart';
    this.figure.dataset.testid = testid;
    const caption = document.createElement('figcaption');
    const name = document.createElement('span');
    name.textContent = title;
    const png = document.createElement('button');
    png.type = 'button';
    png.textContent = 'Save PNG';
    png.setAttribute('aria-label', `Save PNG: ${title}`);
    png.dataset.testid = `${testid}-png`;
    png.addEventListener('click', () => this.savePng());
    caption.append(name, png);
    /** Where uPlot draws; its canvas is described by the table below. */
    this.box = document.createElement('div');
    this.box.className = 'chart-box';
    this.box.setAttribute('aria-hidden', 'true');
    this.legendItems = legend;
    this.legend = document.createElement('ul');
    this.legend.className = 'legend';
    this.legend.setAttribute('aria-hidden', 'true');
    this.setLegend(legend);
    this.readout = document.createElement('p');
    this.readout.className = 'readout';
    this.readout.setAttribute('aria-hidden', 'true');
    // In a box kept out of sight: a table itself grows to fit its cells.
    const hidden = document.createElement('div');
    hidden.className = 'sr-only';
    this.table = document.createElement('table');
    this.table.dataset.testid = `${testid}-table`;
    hidden.append(this.table);
    this.caption = document.createElement('caption');
    this.caption.textContent = `${title}: the numbers behind the chart.`;
    const head = document.createElement('thead');
    const row = document.createElement('tr');
    for (const text of columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = text;
      row.append(th);
    }
    head.append(row);
    this.body = document.createElement('tbody');
    this.table.append(this.caption, head, this.body);
    this.figure.append(caption, this.box, this.legend, this.readout, hidden);
    parent.append(this.figure);
    /** @type {{ctx: CanvasRenderingContext2D, width: number} | null} the chart drawn in the box */
    this.plot = null;
  }

  /** @param {LegendItem[]} items */
  setLegend(items) {
    this.legendItems = items;
    this.legend.replaceChildren(...items.map(({ swatch, text }) => {
      const item = document.createElement('li');
      const mark = document.createElement('span');
      mark.className = `swatch ${swatch}`;
      item.append(mark, text);
      return item;
    }));
  }

  /** The chart's width in CSS pixels for its box. */
  width() {
    return chartWidth(this.box, 240);
  }

  /**
   * Fills the data table: one row per entry, the first cell a row heading;
   * `axes` says what the chart's axes show, as drawn.
   * @param {string[][]} rows
   * @param {string} axes
   */
  setRows(rows, axes) {
    this.caption.textContent = `${this.title}: the numbers behind the chart. ${axes}`;
    const fragment = document.createDocumentFragment();
    for (const cells of rows) {
      const tr = document.createElement('tr');
      cells.forEach((text, i) => {
        const cell = document.createElement(i === 0 ? 'th' : 'td');
        if (i === 0) /** @type {HTMLTableCellElement} */ (cell).scope = 'row';
        cell.textContent = text;
        tr.append(cell);
      });
      fragment.append(tr);
    }
    this.body.replaceChildren(fragment);
  }

  /**
   * The chart as a PNG, for slides: the title, the plot with its axes, and
   * the legend, on white.
   */
  async savePng() {
    const plot = this.plot;
    if (!plot) return;
    const name = await this.fileName();
    const source = plot.ctx.canvas;
    const ratio = source.width / Math.max(1, plot.width);
    const scale = PNG_SCALE / ratio;
    const width = Math.round(source.width * scale);
    const line = 18 * PNG_SCALE;
    const top = 30 * PNG_SCALE;
    const height = Math.round(source.height * scale) + top + line * this.legendItems.length + 8 * PNG_SCALE;
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, height);
    ctx.fillStyle = '#1d2330';
    ctx.font = `600 ${15 * PNG_SCALE}px system-ui, sans-serif`;
    ctx.fillText(this.title, 10 * PNG_SCALE, 21 * PNG_SCALE);
    ctx.drawImage(source, 0, top, Math.round(source.width * scale), Math.round(source.height * scale));
    ctx.font = `${12 * PNG_SCALE}px system-ui, sans-serif`;
    this.legendItems.forEach(({ swatch, text }, i) => {
      const y = top + source.height * scale + line * (i + 1);
      const sample = this.legend.querySelector(`.swatch.${swatch.split(' ')[0]}`);
      const colour = sample ? getComputedStyle(sample) : null;
      ctx.fillStyle = colour?.backgroundColor && colour.backgroundColor !== 'rgba(0, 0, 0, 0)'
        ? colour.backgroundColor : (colour?.borderTopColor ?? '#1d2330');
      ctx.fillRect(10 * PNG_SCALE, y - 9 * PNG_SCALE, 14 * PNG_SCALE, 8 * PNG_SCALE);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(text, 30 * PNG_SCALE, y);
    });
    canvas.toBlob((blob) => {
      if (blob) save(blob, `${name}.png`);
    }, 'image/png');
  }
}
