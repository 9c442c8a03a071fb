import { resolve } from 'node:path';

import { renderTimelineHtml } from '../timeline/render-timeline.js';
import { CliError } from '../cli-error.js';
import { readDump, writeFileAtomically } from '../files.js';
import type { Command } from './command.js';

/** `timeline <dump.json> -o run.html`: the run drawn as a waterfall. */
export const timelineCommand: Command = {
  name: 'timeline',
  summary: 'draw a serialized tracker as a self-contained HTML waterfall',
  usage: 'timeline <dump.json> -o <run.html>',
  help: `Writes one HTML page that needs no network to open: one row per execution on
a time axis, coloured by status, events as marks at their own times, the
params, result and error of an execution on hover, and the performance
table below. The file is written whole or not at all.

Options:
  -o, --output FILE   where to write the page (required)
  --title TEXT        the page's title (default: the flow id)`,
  options: {
    output: { type: 'string', short: 'o' },
    title: { type: 'string' },
  },
  async run({ positionals, values, out }) {
    const [path] = positionals;
    const output = values.output;
    if (typeof output !== 'string' || output === '') {
      throw new CliError(
        `usage: execution-tracker ${timelineCommand.usage}`,
        2,
      );
    }
    const { tracker } = await readDump(path as string);
    const title = typeof values.title === 'string' ? values.title : undefined;
    const html = renderTimelineHtml(
      tracker,
      title === undefined ? {} : { title },
    );
    await writeFileAtomically(output, html);
    out(`wrote ${resolve(output)}\n`);
    return 0;
  },
};
