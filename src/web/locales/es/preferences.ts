/** The Spanish words of the preferences pages (`/preferences/…`); the shape is `PreferenceWords`. */
import type { PreferenceWords } from '../../preferences/words';

export default {
  title: 'Preferencias de correo',
  lead: 'Elija cómo docnotify escribe a {recipient} sobre documentos.',
  kinds: {
    processing_completed: {
      label: 'Procesamiento completado',
      hint: 'Un documento se exportó, y otras novedades de estado que no le piden nada (recibido, aprobado, rechazado, eliminado).',
    },
    comments: { label: 'Comentarios', hint: 'Alguien comentó un documento.' },
    decision_confirmations: {
      label: 'Confirmaciones de decisión',
      hint: 'Confirmación de que un documento fue aprobado, rechazado o validado.',
    },
    escalation_copies: {
      label: 'Copias de escalados',
      hint: 'Copias de escalados sobre documentos en los que otra persona debe actuar.',
    },
    action_required: {
      label: 'Acción requerida',
      hint: 'Documentos que esperan por usted: aprobaciones, validaciones, recordatorios, vencimientos, escalados a usted.',
    },
  },
  modes: { immediate: 'Inmediatamente', digest: 'En el resumen', off: 'Desactivado' },
  cannotOff: 'No se puede desactivar, solo pasar al resumen.',
  digestNote: 'El resumen es un solo correo cada día laborable a las 08:00 de su hora, con lo que espera por usted.',
  save: 'Guardar preferencias',
  saved: 'Sus preferencias se guardaron.',
  invalidChoice: 'Elija una de las opciones ofrecidas para cada tipo.',
  unsubscribeTitle: '¿Darse de baja de {kind}?',
  unsubscribeLead: '{recipient} dejará de recibir correos de «{kind}». No cambia nada hasta que pulse el botón.',
  unsubscribeButton: 'Darse de baja',
  unsubscribedTitle: 'Baja realizada',
  unsubscribedText: '{recipient} ya no recibirá correos de «{kind}».',
  oneClickMissing: 'Esta dirección solo acepta la baja con un clic (List-Unsubscribe=One-Click).',
  allPreferences: 'Todas las preferencias de correo',
  nothingYet: 'No cambia nada hasta que pulse el botón.',
  tooMany: {
    title: 'Demasiadas solicitudes',
    text: 'Este enlace se abrió demasiadas veces en poco tiempo. Espere un minuto e inténtelo de nuevo.',
  },
  unavailable: {
    title: 'No disponible temporalmente',
    text: 'docnotify no pudo leer ni guardar sus preferencias. No se cambió nada; inténtelo más tarde.',
  },
  problems: {
    invalid: { title: 'Este enlace no es válido', text: 'Copie el enlace completo del correo.' },
    forged: { title: 'Este enlace no es válido', text: 'El enlace no lo emitió docnotify o fue modificado.' },
    expired: { title: 'Este enlace ha caducado', text: 'Use el enlace de un correo más reciente.' },
    retired: {
      title: 'Este enlace ya no es válido',
      text: 'Se firmó con una clave retirada. Use el enlace de un correo más reciente.',
    },
    disabled: { title: 'Los enlaces de preferencias no están activos', text: 'Este servidor no firma enlaces.' },
    badKind: { title: 'Tipo de correo desconocido', text: 'Abra sus preferencias de correo para elegir qué recibe.' },
    crossSite: {
      title: 'Solicitud rechazada',
      text: 'Por su seguridad no se cambió nada: la solicitud no vino de esta página. Abra de nuevo el enlace del correo.',
    },
    formExpired: {
      title: 'Esta página ha caducado',
      text: 'La página estuvo abierta demasiado tiempo. Abra el enlace de nuevo y guarde.',
    },
  },
  footer: 'docnotify · preferencias de {recipient}',
} satisfies PreferenceWords;
