/** @jsxRuntime automatic @jsxImportSource preact */
/**
 * `GET`/`HEAD /actions/{token}`: verify the link and show the confirmation page, or where the task stands. They change
 * nothing: mail security scanners fetch (and sometimes render) every link before the person does.
 */
import type { FastifyReply } from 'fastify';
import type { LinkClaims } from '../../links/token';
import type { DocumentView } from '../../workflows/types';
import { fill } from '../locales';
import { Say } from '../views/page';
import { wordsFor } from './catalogue';
import type { ActionContext, ActionRequest } from './context';
import { AlreadyDecided, Summary, type FactsProps } from './facts';
import { Confirmation } from './form';
import { admit } from './guards';
import { problemPage } from './problem';
import { localeOf, sendPage, type Page } from './respond';
import { decisionOf, stateAndZone, taskState } from './state';
import type { FormAction } from './words';

/** What the pages of a verified link are built from. */
export interface LinkPageProps extends FactsProps {
  view: DocumentView;
  claims: LinkClaims;
}

/** The page of an `open` link: the document's state, and who decided its task if someone did. */
function openPage(props: LinkPageProps): Page {
  const { words, claims, view } = props;
  const title = fill(words.openTitle, { document: claims.documentId });
  const decision = decisionOf(view, claims.taskId);
  return {
    status: 200,
    title,
    body: (
      <>
        <h1>{title}</h1>
        <p class="lead">
          <Say text={words.openLead} values={{ document: claims.documentId }} />
        </p>
        {decision ? <AlreadyDecided {...props} decision={decision} /> : null}
        <Summary {...props} />
      </>
    ),
  };
}

/** The page of a link to act on: the confirmation while the task is open, else where the task stands. */
function actionPage(props: LinkPageProps, issueCsrf: () => string): Page {
  const { words, view, claims } = props;
  const task = taskState(view, claims);
  if (task.kind === 'decided') {
    return {
      status: 200,
      title: words.alreadyTitle,
      body: (
        <>
          <h1>{words.alreadyTitle}</h1>
          <AlreadyDecided {...props} decision={task.decision} />
          <Summary {...props} />
        </>
      ),
    };
  }
  if (task.kind !== 'open') return { status: 409, ...problemPage(words, task.kind, {}, <Summary {...props} />) };
  const action = claims.action as FormAction;
  return {
    status: 200,
    title: words.confirm[action].title,
    body: <Confirmation {...props} action={action} csrf={issueCsrf()} />,
  };
}

/** GET and HEAD: shows, never changes. */
export async function showLink(ctx: ActionContext, req: ActionRequest, reply: FastifyReply): Promise<FastifyReply> {
  const lang = localeOf(req);
  const words = wordsFor(lang);
  const admitted = admit(ctx, req, { post: false });
  if ('page' in admitted) return sendPage(reply, lang, admitted.page);
  const { token, claims, guard } = admitted;
  const [view, zone] = await stateAndZone(ctx, claims);
  const recipient = claims.recipient;
  if (!view) return sendPage(reply, lang, { status: 404, recipient, ...problemPage(words, 'notFound') });
  const props: LinkPageProps = { words, lang, zone, view, claims };
  const page = claims.action === 'open' ? openPage(props) : actionPage(props, () => guard.issue(token, Date.now()));
  return sendPage(reply, lang, { ...page, recipient });
}
