/** The Spanish words of the action pages (`/actions/…`, src/web/actions); the shape is `ActionWords`. */
import type { ActionWords } from '../../actions/words';

export default {
  facts: {
    document: 'Documento',
    type: 'Tipo',
    status: 'Estado',
    invoice: 'Número de factura',
    supplier: 'Proveedor',
    amount: 'Importe',
    due: 'Vencimiento',
    assignee: 'Asignado a',
    recipient: 'Enlace enviado a',
    reason: 'Motivo',
  },
  confirm: {
    approve: { title: '¿Aprobar este documento?', lead: 'Va a aprobar {document} como {recipient}.' },
    reject: {
      title: '¿Rechazar este documento?',
      lead: 'Va a rechazar {document} como {recipient}. Indique el motivo.',
    },
    validate: { title: '¿Validar este documento?', lead: 'Va a marcar {document} como validado, como {recipient}.' },
    snooze: {
      title: '¿Posponer los recordatorios?',
      lead: 'Los recordatorios sobre {document} se pausan durante el tiempo que elija.',
    },
  },
  openTitle: 'Documento {document}',
  openLead: 'El estado actual de {document}.',
  nothingYet: 'No cambia nada hasta que pulse el botón.',
  reasonLabel: 'Motivo del rechazo (obligatorio)',
  reasonRequired: 'Indique el motivo del rechazo.',
  snoozeLabel: 'Posponer los recordatorios',
  snoozeRequired: 'Elija una de las duraciones ofrecidas.',
  snoozeChoices: { '1h': '1 hora', '4h': '4 horas', '1d': '1 día', '3d': '3 días' },
  done: {
    approve: { title: 'Aprobado', text: '{document} fue aprobado por {actor} el {at}.' },
    reject: { title: 'Rechazado', text: '{document} fue rechazado por {actor} el {at}.' },
    validate: { title: 'Validado', text: '{document} fue marcado como validado por {actor} el {at}.' },
    snooze: { title: 'Recordatorios pospuestos', text: 'Los recordatorios sobre {document} se posponen {duration}.' },
  },
  confirmationMail: 'Recibirá un correo de confirmación. Puede cerrar esta página.',
  nextReminder: 'Próximo recordatorio: {at}.',
  snoozeLimited: {
    cap: 'Pidió {asked}, pero mientras esta tarea esté abierta los recordatorios se pueden posponer como mucho {max} en total: se posponen {applied}.',
    due_date: 'Pidió {asked}, pero los recordatorios no se posponen más allá del vencimiento: se posponen {applied}.',
  },
  alreadyTitle: 'Ya decidido',
  already: 'Ya {decision} por {actor} el {at}.',
  decided: { approve: 'aprobado', reject: 'rechazado', validate: 'validado' },
  openInSystem: 'Abrir en el sistema de documentos',
  openAgain: 'Abrir el enlace de nuevo',
  problems: {
    invalid: {
      title: 'Este enlace no es válido',
      text: 'Puede que el enlace esté cortado o modificado. Copie el enlace completo del correo o actúe en el sistema de documentos.',
    },
    forged: {
      title: 'Este enlace no es válido',
      text: 'El enlace no lo emitió docnotify o ha sido modificado. Use el enlace del correo o actúe en el sistema de documentos.',
    },
    expired: {
      title: 'Este enlace ha caducado',
      text: 'Los enlaces de acción funcionan durante un tiempo limitado. Use el enlace de un correo más reciente o actúe en el sistema de documentos.',
    },
    retired: {
      title: 'Este enlace ya no es válido',
      text: 'Se firmó con una clave que ya se ha retirado. Use el enlace de un correo más reciente o actúe en el sistema de documentos.',
    },
    notFound: { title: 'Documento no encontrado', text: 'docnotify ya no conoce este documento.' },
    reassigned: {
      title: 'Esta tarea fue reasignada',
      text: 'El documento se asignó a otra persona después de enviar este correo, por lo que este enlace ya no funciona.',
    },
    stale: {
      title: 'Esta tarea ya no está abierta',
      text: 'El documento ha avanzado; ya no queda nada por decidir con este enlace.',
    },
    wrongRecipient: {
      title: 'Este enlace no es para esta tarea',
      text: 'El enlace se envió a {recipient}, que no está entre las personas a las que se pidió actuar en esta tarea.',
    },
    badRequest: { title: 'No se pudo hacer', text: '{reason}' },
    crossSite: {
      title: 'Solicitud rechazada',
      text: 'Por su seguridad no se hizo nada: la solicitud no procedía de esta página. Abra de nuevo el enlace del correo y pulse el botón allí.',
    },
    formExpired: {
      title: 'Esta página ha caducado',
      text: 'La página estuvo abierta demasiado tiempo. Abra el enlace de nuevo y pulse el botón.',
    },
    tooMany: {
      title: 'Demasiadas solicitudes',
      text: 'Este enlace se abrió demasiadas veces en poco tiempo. Espere un minuto y vuelva a intentarlo.',
    },
    unavailable: {
      title: 'No disponible temporalmente',
      text: 'docnotify no pudo acceder al documento ahora. No se cambió nada; inténtelo de nuevo en unos minutos.',
    },
    disabled: {
      title: 'Los enlaces de acción no están activados',
      text: 'Este servidor de docnotify no acepta enlaces de acción. Actúe en el sistema de documentos.',
    },
    nothingToSubmit: { title: 'Nada que enviar', text: 'Este enlace solo muestra el documento.' },
    snoozeUsed: {
      title: 'Este enlace ya se usó',
      text: 'Cada enlace pospone los recordatorios una sola vez, y este ya lo hizo. Use el enlace de un correo más reciente o actúe en el sistema de documentos.',
    },
    snoozeLimit: {
      title: 'Los recordatorios no se pueden posponer más',
      text: 'Ya se pospusieron lo máximo permitido mientras la tarea esté abierta ({max} en total). Decida, o actúe en el sistema de documentos.',
    },
    snoozeDue: {
      title: 'Los recordatorios no se pueden posponer',
      text: 'El documento vence ahora o en menos de un minuto: los recordatorios no se posponen más allá del vencimiento.',
    },
  },
  footer: 'docnotify · página abierta desde un enlace enviado a {recipient}',
} satisfies ActionWords;
