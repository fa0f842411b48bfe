/** The Spanish words of the waiting page (`/preferences/{token}/waiting`); the shape is `WaitingWords`. */
import type { WaitingWords } from '../../preferences/words';

export default {
  title: 'Pendiente de su acción',
  lead: '{count} documentos esperan su acción, primero los más vencidos.',
  leadOne: 'Un documento espera su acción.',
  none: 'Nada espera su acción.',
  due: 'Vence',
  page: 'Página {page} de {pages}',
  next: 'Página siguiente',
  back: 'Preferencias de correo',
} satisfies WaitingWords;
