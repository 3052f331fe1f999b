<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nb_NO">
<context>
    <name>BluetoothScreen</name>
    <message>
        <source>Blood-pressure monitor</source>
        <translation>Blodtrykksmåler</translation>
    </message>
    <message>
        <source>Pulse sensor</source>
        <translation>Pulsmåler</translation>
    </message>
    <message>
        <source>Pulse oximeter</source>
        <translation>Pulsoksymeter</translation>
    </message>
    <message>
        <source>Thermometer</source>
        <translation>Termometer</translation>
    </message>
    <message>
        <source>Scale</source>
        <translation>Vekt</translation>
    </message>
    <message>
        <source>Blood-sugar meter</source>
        <translation>Blodsukkermåler</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>Søk</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Navn</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>Signal</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Paired</source>
        <translation>Paret</translation>
    </message>
    <message>
        <source>Pair</source>
        <translation>Par</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Serienummer</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Fastvare</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Tilstand</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>Siste kontakt</translation>
    </message>
    <message>
        <source>Battery</source>
        <translation>Batteri</translation>
    </message>
    <message>
        <source>Forget device</source>
        <translation>Glem enheten</translation>
    </message>
    <message>
        <source>Test read</source>
        <translation>Testavlesning</translation>
    </message>
    <message>
        <source>Health devices nearby</source>
        <translation>Helseenheter i nærheten</translation>
    </message>
    <message>
        <source>Paired with this hub</source>
        <translation>Paret med denne huben</translation>
    </message>
    <message>
        <source>Looking for health devices nearby...</source>
        <translation>Leter etter helseenheter i nærheten ...</translation>
    </message>
    <message>
        <source>not recognised</source>
        <translation>ikke gjenkjent</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nei</translation>
    </message>
    <message>
        <source>{count} health device(s) found.</source>
        <translation>{count} helseenhet(er) funnet.</translation>
    </message>
    <message>
        <source>Scanning failed: {reason}</source>
        <translation>Søket mislyktes: {reason}</translation>
    </message>
    <message>
        <source>Scan, then choose the device to pair in the list.</source>
        <translation>Søk, og velg så enheten som skal pares, i lista.</translation>
    </message>
    <message>
        <source>Pairing {address}... (put the device in pairing mode if it has one)</source>
        <translation>Parer {address} ... (sett enheten i paringsmodus hvis den har det)</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>tilkoblet</translation>
    </message>
    <message>
        <source>waiting for the device</source>
        <translation>venter på enheten</translation>
    </message>
    <message>
        <source>Choose a paired device in the list first.</source>
        <translation>Velg først en paret enhet i lista.</translation>
    </message>
    <message>
        <source>Reading {address}...</source>
        <translation>Leser {address} ...</translation>
    </message>
    <message>
        <source>Test read failed: {reason}</source>
        <translation>Testavlesningen mislyktes: {reason}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>ukjent</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>ingen ennå</translation>
    </message>
    <message>
        <source>Connected. Battery {battery}. {model}, serial number {serial}, firmware {firmware}. Last reading stored: {last}.</source>
        <translation>Tilkoblet. Batteri {battery}. {model}, serienummer {serial}, fastvare {firmware}. Siste måling lagret: {last}.</translation>
    </message>
</context>
<context>
    <name>CallOutScreen</name>
    <message>
        <source>Who do you want to call?</source>
        <translation>Hvem vil du ringe?</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Tilbake</translation>
    </message>
    <message>
        <source>There is no one to call yet. The home-care service can add your family.</source>
        <translation>Det er ingen å ringe ennå. Hjemmetjenesten kan legge inn familien din.</translation>
    </message>
    <message>
        <source>Home-care service</source>
        <translation>Hjemmetjenesten</translation>
    </message>
    <message>
        <source>Call {name}</source>
        <translation>Ring {name}</translation>
    </message>
    <message>
        <source>Calling...</source>
        <translation>Ringer ...</translation>
    </message>
    <message>
        <source>The call to {name} could not be started. Try again later, or press Help if you need help.</source>
        <translation>Samtalen til {name} kunne ikke startes. Prøv igjen senere, eller trykk Hjelp hvis du trenger hjelp.</translation>
    </message>
</context>
<context>
    <name>CallScreen</name>
    <message>
        <source>Answer</source>
        <translation>Svar</translation>
    </message>
    <message>
        <source>Not now</source>
        <translation>Ikke nå</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>Lavere</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>Høyere</translation>
    </message>
    <message>
        <source>End call</source>
        <translation>Legg på</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Video call as planned, {time}</source>
        <translation>Avtalt videosamtale, {time}</translation>
    </message>
    <message>
        <source>is calling you on video</source>
        <translation>ringer deg på video</translation>
    </message>
    <message>
        <source>You missed a video call</source>
        <translation>Du gikk glipp av en videosamtale</translation>
    </message>
    <message>
        <source>{who} called at {time}.</source>
        <translation>{who} ringte klokka {time}.</translation>
    </message>
    <message>
        <source>{who} has been told that you could not answer.</source>
        <translation>{who} har fått beskjed om at du ikke kunne svare.</translation>
    </message>
    <message>
        <source>Answers by itself in {seconds} seconds</source>
        <translation>Svarer av seg selv om {seconds} sekunder</translation>
    </message>
    <message>
        <source>Sound: {level} of 10</source>
        <translation>Lyd: {level} av 10</translation>
    </message>
    <message>
        <source>No camera and no microphone found: you can see and hear the other person, but they cannot see or hear you.</source>
        <translation>Fant verken kamera eller mikrofon: du ser og hører den andre, men de ser og hører ikke deg.</translation>
    </message>
    <message>
        <source>No camera found: the other person can hear you, but cannot see you.</source>
        <translation>Fant ikke noe kamera: den andre hører deg, men ser deg ikke.</translation>
    </message>
    <message>
        <source>No microphone found: the other person can see you, but cannot hear you.</source>
        <translation>Fant ingen mikrofon: den andre ser deg, men hører deg ikke.</translation>
    </message>
</context>
<context>
    <name>CountdownScreen</name>
    <message>
        <source>Are you OK?</source>
        <translation>Går det bra?</translation>
    </message>
    <message>
        <source>I&apos;m OK</source>
        <translation>Det går bra</translation>
    </message>
    <message>
        <source>The fall sensor noticed a fall.</source>
        <translation>Fallsensoren merket et fall.</translation>
    </message>
    <message>
        <source>You have been out of bed for a long time tonight.</source>
        <translation>Du har vært oppe av sengen lenge i natt.</translation>
    </message>
    <message>
        <source>The door is open. Are you outside?</source>
        <translation>Døra er åpen. Er du ute?</translation>
    </message>
    <message>
        <source>We have not noticed you moving for a long time.</source>
        <translation>Vi har ikke merket at du har rørt deg på lenge.</translation>
    </message>
    <message>
        <source>An alarm is about to be sent.</source>
        <translation>En alarm er i ferd med å bli sendt.</translation>
    </message>
    <message>
        <source>Are you OK? Press the green button if you are.</source>
        <translation>Går det bra? Trykk på den grønne knappen hvis det går bra.</translation>
    </message>
    <message>
        <source>If you do not answer, the home-care service is called in {seconds} seconds.</source>
        <translation>Hvis du ikke svarer, blir hjemmetjenesten tilkalt om {seconds} sekunder.</translation>
    </message>
    <message>
        <source>Calling the home-care service...</source>
        <translation>Tilkaller hjemmetjenesten ...</translation>
    </message>
</context>
<context>
    <name>HelpScreen</name>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Your call for help is registered</source>
        <translation>Vi har registrert at du trenger hjelp</translation>
    </message>
    <message>
        <source>It was registered at {time}. The home-care service will be told and will contact you as soon as they can.

If you can, sit down and stay where you are.</source>
        <translation>Det ble registrert klokka {time}. Hjemmetjenesten blir varslet og tar kontakt med deg så snart de kan.

Hvis du kan, sett deg ned og bli der du er.</translation>
    </message>
    <message>
        <source>Help is on the way: {name}</source>
        <translation>Hjelpen er på vei: {name}</translation>
    </message>
    <message>
        <source>{name} has your alarm and will contact you.

If you can, sit down and stay where you are.</source>
        <translation>{name} har alarmen din og tar kontakt med deg.

Hvis du kan, sett deg ned og bli der du er.</translation>
    </message>
    <message>
        <source>{name} is coming</source>
        <translation>{name} kommer</translation>
    </message>
    <message>
        <source>{name} answered the message and is on the way. The home-care service knows.

If you can, sit down and stay where you are.</source>
        <translation>{name} har svart på meldingen og er på vei. Hjemmetjenesten vet om det.

Hvis du kan, sett deg ned og bli der du er.</translation>
    </message>
    <message>
        <source>Nobody has answered yet</source>
        <translation>Ingen har svart ennå</translation>
    </message>
    <message>
        <source>If you can, phone the home-care service, or 113 if it is an emergency.</source>
        <translation>Hvis du kan, ring hjemmetjenesten, eller 113 hvis det haster.</translation>
    </message>
    <message>
        <source>We are still waiting for an answer</source>
        <translation>Vi venter fortsatt på svar</translation>
    </message>
    <message>
        <source>We have also sent a message to {names}.</source>
        <translation>Vi har også sendt en melding til {names}.</translation>
    </message>
    <message>
        <source>We are calling the home-care service again.</source>
        <translation>Vi varsler hjemmetjenesten igjen.</translation>
    </message>
    <message>
        <source>If you can, sit down and stay where you are.</source>
        <translation>Sett deg ned og bli der du er, hvis du kan.</translation>
    </message>
    <message>
        <source>Help is being called</source>
        <translation>Hjelp er tilkalt</translation>
    </message>
    <message>
        <source>The alarm was sent at {time}. The home-care service will be told and will contact you as soon as they can.

If you can, sit down and stay where you are.</source>
        <translation>Alarmen ble sendt klokka {time}. Hjemmetjenesten blir varslet og tar kontakt med deg så snart de kan.

Hvis du kan, sett deg ned og bli der du er.</translation>
    </message>
    <message>
        <source>Your call for help could not be registered</source>
        <translation>Vi fikk ikke registrert at du trenger hjelp</translation>
    </message>
    <message>
        <source>Something is wrong with this screen. Please phone the home-care service, or 113 if it is an emergency.</source>
        <translation>Noe er galt med denne skjermen. Ring hjemmetjenesten, eller 113 hvis det haster.</translation>
    </message>
</context>
<context>
    <name>HistoryChart</name>
    <message>
        <source>upper</source>
        <translation>øvre</translation>
    </message>
    <message>
        <source>lower</source>
        <translation>nedre</translation>
    </message>
    <message>
        <source>pulse</source>
        <translation>puls</translation>
    </message>
    <message>
        <source>oxygen</source>
        <translation>oksygen</translation>
    </message>
    <message>
        <source>temperature</source>
        <translation>temperatur</translation>
    </message>
    <message>
        <source>weight</source>
        <translation>vekt</translation>
    </message>
    <message>
        <source>blood sugar</source>
        <translation>blodsukker</translation>
    </message>
</context>
<context>
    <name>HomeScreen</name>
    <message>
        <source>Today</source>
        <translation>I dag</translation>
    </message>
    <message>
        <source>Help</source>
        <translation>Hjelp</translation>
    </message>
    <message>
        <source>Press to call the home-care service</source>
        <translation>Trykk for å tilkalle hjemmetjenesten</translation>
    </message>
    <message>
        <source>Help: call the home-care service</source>
        <translation>Hjelp: tilkall hjemmetjenesten</translation>
    </message>
    <message>
        <source>Press to call
the home-care service</source>
        <translation>Trykk for å tilkalle
hjemmetjenesten</translation>
    </message>
    <message>
        <source>Technician (press and hold)</source>
        <translation>Tekniker (trykk og hold)</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>Videosamtale</translation>
    </message>
    <message>
        <source>My data</source>
        <translation>Mine data</translation>
    </message>
    <message>
        <source>Larger text</source>
        <translation>Større tekst</translation>
    </message>
    <message>
        <source>Good morning, {name}</source>
        <translation>God morgen, {name}</translation>
    </message>
    <message>
        <source>Good morning</source>
        <translation>God morgen</translation>
    </message>
    <message>
        <source>Good afternoon, {name}</source>
        <translation>God dag, {name}</translation>
    </message>
    <message>
        <source>Good afternoon</source>
        <translation>God dag</translation>
    </message>
    <message>
        <source>Good evening, {name}</source>
        <translation>God kveld, {name}</translation>
    </message>
    <message>
        <source>Good evening</source>
        <translation>God kveld</translation>
    </message>
    <message>
        <source>Good night, {name}</source>
        <translation>God natt, {name}</translation>
    </message>
    <message>
        <source>Good night</source>
        <translation>God natt</translation>
    </message>
    <message>
        <source>Nothing is planned for today.</source>
        <translation>Ingenting er planlagt i dag.</translation>
    </message>
    <message>
        <source>Everything is working</source>
        <translation>Alt virker som det skal</translation>
    </message>
    <message>
        <source>The hub needs service. The Help button still works.</source>
        <translation>Huben trenger service. Hjelp-knappen virker fortsatt.</translation>
    </message>
    <message>
        <source>The {device} needs attention</source>
        <translation>{device} må sjekkes</translation>
    </message>
    <message>
        <source>(and {count} more)</source>
        <translation>(og {count} til)</translation>
    </message>
    <message>
        <source>{who} calls you (video)</source>
        <translation>{who} ringer deg (video)</translation>
    </message>
    <message>
        <source>Measure blood pressure</source>
        <translation>Mål blodtrykket</translation>
    </message>
    <message>
        <source>Measure oxygen</source>
        <translation>Mål oksygenet</translation>
    </message>
    <message>
        <source>Measure temperature</source>
        <translation>Mål temperaturen</translation>
    </message>
    <message>
        <source>Weigh yourself</source>
        <translation>Vei deg</translation>
    </message>
    <message>
        <source>Measure blood sugar</source>
        <translation>Mål blodsukkeret</translation>
    </message>
    <message>
        <source>medicine dispenser</source>
        <translation>Medisindispenseren</translation>
    </message>
    <message>
        <source>alarm sensor receiver</source>
        <translation>Mottakeren for alarmsensorene</translation>
    </message>
    <message>
        <source>mobile modem</source>
        <translation>Mobilmodemet</translation>
    </message>
    <message>
        <source>blood-pressure monitor</source>
        <translation>Blodtrykksmåleren</translation>
    </message>
    <message>
        <source>pulse sensor</source>
        <translation>Pulsmåleren</translation>
    </message>
    <message>
        <source>oxygen meter</source>
        <translation>Oksygenmåleren</translation>
    </message>
    <message>
        <source>thermometer</source>
        <translation>Termometeret</translation>
    </message>
    <message>
        <source>scale</source>
        <translation>Vekta</translation>
    </message>
    <message>
        <source>blood-sugar meter</source>
        <translation>Blodsukkermåleren</translation>
    </message>
    <message>
        <source>connection to the home-care service</source>
        <translation>Forbindelsen til hjemmetjenesten</translation>
    </message>
    <message>
        <source>hub</source>
        <translation>huben</translation>
    </message>
    <message>
        <source>fall sensor</source>
        <translation>Fallsensoren</translation>
    </message>
    <message>
        <source>alarm pendant</source>
        <translation>Alarmknappen</translation>
    </message>
    <message>
        <source>bed sensor</source>
        <translation>Sengesensoren</translation>
    </message>
    <message>
        <source>door sensor</source>
        <translation>Dørsensoren</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Help</source>
        <translation>Hjelp</translation>
    </message>
    <message>
        <source>Help: call the home-care service</source>
        <translation>Hjelp: tilkall hjemmetjenesten</translation>
    </message>
    <message>
        <source>Assigned {port}: {model}, serial number {serial}, firmware {firmware}.</source>
        <translation>Tilordnet {port}: {model}, serienummer {serial}, fastvare {firmware}.</translation>
    </message>
    <message>
        <source>Not assigned: {reason}</source>
        <translation>Ikke tilordnet: {reason}</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>Mislyktes: {reason}</translation>
    </message>
    <message>
        <source>The dispenser signalled the resident.</source>
        <translation>Dispenseren varslet beboeren.</translation>
    </message>
    <message>
        <source>Learn mode is on: press the button on each sensor.</source>
        <translation>Innlæring er på: trykk på knappen på hver sensor.</translation>
    </message>
    <message>
        <source>Learn mode is off.</source>
        <translation>Innlæring er av.</translation>
    </message>
    <message>
        <source>{dbm} dBm ({bars} of 5 bars)</source>
        <translation>{dbm} dBm ({bars} av 5 streker)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>ukjent</translation>
    </message>
    <message>
        <source>home network</source>
        <translation>hjemmenett</translation>
    </message>
    <message>
        <source>roaming</source>
        <translation>roaming</translation>
    </message>
    <message>
        <source>searching for a network</source>
        <translation>leter etter nett</translation>
    </message>
    <message>
        <source>refused by the network</source>
        <translation>avvist av nettet</translation>
    </message>
    <message>
        <source>not registered</source>
        <translation>ikke registrert</translation>
    </message>
    <message>
        <source>Signal: {strength}. Network: {network}.</source>
        <translation>Signal: {strength}. Nett: {network}.</translation>
    </message>
    <message>
        <source>The test SMS was sent.</source>
        <translation>Test-SMS-en er sendt.</translation>
    </message>
    <message>
        <source>Paired {name} ({address}).</source>
        <translation>Paret {name} ({address}).</translation>
    </message>
    <message>
        <source>Not paired: {reason}</source>
        <translation>Ikke paret: {reason}</translation>
    </message>
</context>
<context>
    <name>MeasureScreen</name>
    <message>
        <source>Back</source>
        <translation>Tilbake</translation>
    </message>
    <message>
        <source>Earlier readings</source>
        <translation>Tidligere målinger</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Ferdig</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 dager</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 dager</translation>
    </message>
    <message>
        <source>Put on the cuff, then press the button on the monitor.</source>
        <translation>Ta på mansjetten, og trykk så på knappen på måleren.</translation>
    </message>
    <message>
        <source>Put the clip on a finger and keep your hand still.</source>
        <translation>Sett klypen på en finger, og hold hånden i ro.</translation>
    </message>
    <message>
        <source>Take your temperature as you usually do.</source>
        <translation>Mål temperaturen slik du pleier.</translation>
    </message>
    <message>
        <source>Step onto the scale and stand still.</source>
        <translation>Gå opp på vekten og stå stille.</translation>
    </message>
    <message>
        <source>Measure your blood sugar as you usually do.</source>
        <translation>Mål blodsukkeret slik du pleier.</translation>
    </message>
    <message>
        <source>Your blood pressure</source>
        <translation>Blodtrykket ditt</translation>
    </message>
    <message>
        <source>Your oxygen level</source>
        <translation>Oksygennivået ditt</translation>
    </message>
    <message>
        <source>Your temperature</source>
        <translation>Temperaturen din</translation>
    </message>
    <message>
        <source>Your weight</source>
        <translation>Vekten din</translation>
    </message>
    <message>
        <source>Your blood sugar</source>
        <translation>Blodsukkeret ditt</translation>
    </message>
    <message>
        <source>{what} is saved.</source>
        <translation>{what} er lagret.</translation>
    </message>
    <message>
        <source>{what} is within your limits.</source>
        <translation>{what} er innenfor grensene dine.</translation>
    </message>
    <message>
        <source>{what} is a little outside your limits. Measure again at the usual time.</source>
        <translation>{what} er litt utenfor grensene dine. Mål igjen til vanlig tid.</translation>
    </message>
    <message>
        <source>{what} is far outside your limits. Sit down and rest. If you feel unwell, press Help.</source>
        <translation>{what} er langt utenfor grensene dine. Sett deg ned og hvil. Trykk på Hjelp hvis du føler deg dårlig.</translation>
    </message>
    <message>
        <source>The monitor noticed an irregular pulse.</source>
        <translation>Måleren merket en uregelmessig puls.</translation>
    </message>
    <message>
        <source>The cuff was too loose. Put it on a little tighter and measure once more.</source>
        <translation>Mansjetten satt for løst. Stram den litt, og mål en gang til.</translation>
    </message>
    <message>
        <source>You moved while it measured. Sit still and measure once more.</source>
        <translation>Du beveget deg mens den målte. Sitt stille og mål en gang til.</translation>
    </message>
    <message>
        <source>The cuff was not in the right place. Put it on again and measure once more.</source>
        <translation>Mansjetten satt ikke riktig. Ta den på igjen, og mål en gang til.</translation>
    </message>
    <message>
        <source>Your pulse was outside what the monitor can measure.</source>
        <translation>Pulsen din var utenfor det måleren kan måle.</translation>
    </message>
    <message>
        <source>The device was not sure of this reading. Measure once more.</source>
        <translation>Måleren var usikker på denne målingen. Mål en gang til.</translation>
    </message>
    <message>
        <source>Pulse {pulse} per minute</source>
        <translation>Puls {pulse} i minuttet</translation>
    </message>
    <message>
        <source>Waiting for the measurement...</source>
        <translation>Venter på målingen ...</translation>
    </message>
    <message>
        <source>Measuring... {pressure} mmHg</source>
        <translation>Måler ... {pressure} mmHg</translation>
    </message>
    <message>
        <source>over</source>
        <translation>over</translation>
    </message>
    <message>
        <source>No measurement has come yet. Check that the device is switched on and near this screen, then try again.</source>
        <translation>Ingen måling har kommet ennå. Sjekk at måleren er slått på og er nær denne skjermen, og prøv igjen.</translation>
    </message>
    <message>
        <source>{what}, the last {days} days</source>
        <translation>{what}, de siste {days} dagene</translation>
    </message>
    <message>
        <source>No readings in these days.</source>
        <translation>Ingen målinger disse dagene.</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <source>OK, I have read it</source>
        <translation>OK, jeg har lest det</translation>
    </message>
    <message>
        <source>the home-care service</source>
        <translation>hjemmetjenesten</translation>
    </message>
    <message>
        <source>A message from {sender} at {time}</source>
        <translation>En melding fra {sender} klokken {time}</translation>
    </message>
</context>
<context>
    <name>MyDataScreen</name>
    <message>
        <source>My data</source>
        <translation>Mine data</translation>
    </message>
    <message>
        <source>What this screen keeps</source>
        <translation>Hva denne skjermen tar vare på</translation>
    </message>
    <message>
        <source>For how long</source>
        <translation>Hvor lenge</translation>
    </message>
    <message>
        <source>Who receives it</source>
        <translation>Hvem som får det</translation>
    </message>
    <message>
        <source>What you have agreed to</source>
        <translation>Hva du har sagt ja til</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Your measurements: {n}</source>
        <translation>Målingene dine: {n}</translation>
    </message>
    <message>
        <source>Your medicines, taken or missed: {n}</source>
        <translation>Medisinene dine, tatt eller glemt: {n}</translation>
    </message>
    <message>
        <source>Alarms: {n}</source>
        <translation>Alarmer: {n}</translation>
    </message>
    <message>
        <source>Reminders: {n}</source>
        <translation>Påminnelser: {n}</translation>
    </message>
    <message>
        <source>Getting up at night and moving about: {n}</source>
        <translation>Når du står opp om natten og beveger deg: {n}</translation>
    </message>
    <message>
        <source>Messages from the devices (batteries and the like): {n}</source>
        <translation>Meldinger fra utstyret (batterier og lignende): {n}</translation>
    </message>
    <message>
        <source>{days} days. After that it is deleted from this screen. A record of who did what is kept, without your measurements.</source>
        <translation>{days} dager. Etter det blir det slettet fra denne skjermen. En logg over hvem som gjorde hva blir tatt vare på, uten målingene dine.</translation>
    </message>
    <message>
        <source>The home-care service: your alarms and medicines{measurements}.</source>
        <translation>Hjemmetjenesten: alarmene og medisinene dine{measurements}.</translation>
    </message>
    <message>
        <source>, and your measurements</source>
        <translation>, og målingene dine</translation>
    </message>
    <message>
        <source>By text message, when an alarm is not answered: {names}.</source>
        <translation>På SMS, når ingen svarer på en alarm: {names}.</translation>
    </message>
    <message>
        <source>This screen is not connected to the home-care service yet: it keeps what is to be sent until it is.</source>
        <translation>Denne skjermen er ikke koblet til hjemmetjenesten ennå: den tar vare på det som skal sendes til den blir det.</translation>
    </message>
    <message>
        <source>Sharing your measurements</source>
        <translation>Deling av målingene dine</translation>
    </message>
    <message>
        <source>Watching for long times out of bed at night, or no movement</source>
        <translation>Varsel når du er lenge oppe om natten, eller ikke beveger deg</translation>
    </message>
    <message>
        <source>Answering video calls by itself</source>
        <translation>Svare på videosamtaler av seg selv</translation>
    </message>
    <message>
        <source>Telling your relatives about alarms</source>
        <translation>Varsle pårørende om alarmer</translation>
    </message>
    <message>
        <source>{what}: not asked</source>
        <translation>{what}: ikke spurt</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nei</translation>
    </message>
    <message>
        <source>{what}: {answer} (recorded by {who}, {when})</source>
        <translation>{what}: {answer} (registrert av {who}, {when})</translation>
    </message>
</context>
<context>
    <name>PinScreen</name>
    <message>
        <source>Technician: enter the PIN</source>
        <translation>Tekniker: skriv inn PIN-koden</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Åpne</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Slett</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Tilbake</translation>
    </message>
    <message>
        <source>Wrong PIN. {count} tries left before the door locks.</source>
        <translation>Feil PIN-kode. {count} forsøk igjen før tilgangen låses.</translation>
    </message>
    <message>
        <source>Locked after too many wrong PINs. Try again after {time}.</source>
        <translation>Låst etter for mange feil PIN-koder. Prøv igjen etter klokka {time}.</translation>
    </message>
    <message>
        <source>No technician PIN is set on this hub. Set one with: welfare-hub set-pin</source>
        <translation>Ingen teknikerkode er satt på denne huben. Sett en med: welfare-hub set-pin</translation>
    </message>
    <message>
        <source>The PIN file cannot be used: {reason}</source>
        <translation>PIN-fila kan ikke brukes: {reason}</translation>
    </message>
    <message>
        <source>The PIN could not be checked. See the log.</source>
        <translation>PIN-koden kunne ikke sjekkes. Se loggen.</translation>
    </message>
</context>
<context>
    <name>ReminderScreen</name>
    <message>
        <source>I have taken it</source>
        <translation>Jeg har tatt den</translation>
    </message>
    <message>
        <source>Measure now</source>
        <translation>Mål nå</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Senere</translation>
    </message>
    <message>
        <source>your blood pressure</source>
        <translation>blodtrykket ditt</translation>
    </message>
    <message>
        <source>your oxygen level</source>
        <translation>oksygennivået ditt</translation>
    </message>
    <message>
        <source>your temperature</source>
        <translation>temperaturen din</translation>
    </message>
    <message>
        <source>your weight</source>
        <translation>vekten din</translation>
    </message>
    <message>
        <source>your blood sugar</source>
        <translation>blodsukkeret ditt</translation>
    </message>
    <message>
        <source>Time for your medicine</source>
        <translation>Tid for medisinen din</translation>
    </message>
    <message>
        <source>Take it from the medicine dispenser. Its light shows where.</source>
        <translation>Ta den fra medisindispenseren. Lyset viser hvor.</translation>
    </message>
    <message>
        <source>Take your medicine, then press the green button.</source>
        <translation>Ta medisinen din, og trykk så på den grønne knappen.</translation>
    </message>
    <message>
        <source>Time to measure</source>
        <translation>Tid for å måle</translation>
    </message>
    <message>
        <source>Press the green button when you are ready.</source>
        <translation>Trykk på den grønne knappen når du er klar.</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>Videosamtale</translation>
    </message>
    <message>
        <source>{who} calls at {time}.</source>
        <translation>{who} ringer klokka {time}.</translation>
    </message>
    <message>
        <source>(This was due at {time}.)</source>
        <translation>(Dette skulle vært klokka {time}.)</translation>
    </message>
    <message>
        <source>This is a reminder again.</source>
        <translation>Dette er en påminnelse til.</translation>
    </message>
    <message>
        <source>Thank you</source>
        <translation>Takk</translation>
    </message>
    <message>
        <source>It is registered.</source>
        <translation>Det er registrert.</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Thank you. It is registered.</source>
        <translation>Takk. Det er registrert.</translation>
    </message>
</context>
<context>
    <name>SerialScreen</name>
    <message>
        <source>Medicine dispenser</source>
        <translation>Medisindispenser</translation>
    </message>
    <message>
        <source>Sensor receiver</source>
        <translation>Sensormottaker</translation>
    </message>
    <message>
        <source>GSM modem</source>
        <translation>GSM-modem</translation>
    </message>
    <message>
        <source>Port</source>
        <translation>Port</translation>
    </message>
    <message>
        <source>USB id</source>
        <translation>USB-id</translation>
    </message>
    <message>
        <source>Serial number</source>
        <translation>Serienummer</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beskrivelse</translation>
    </message>
    <message>
        <source>or type a port path</source>
        <translation>eller skriv stien til en port</translation>
    </message>
    <message>
        <source>Check and assign</source>
        <translation>Sjekk og tilordne</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Oppdater</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>Modell</translation>
    </message>
    <message>
        <source>Firmware</source>
        <translation>Fastvare</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Tilstand</translation>
    </message>
    <message>
        <source>Last contact</source>
        <translation>Siste kontakt</translation>
    </message>
    <message>
        <source>Battery</source>
        <translation>Batteri</translation>
    </message>
    <message>
        <source>Test: signal the resident</source>
        <translation>Test: varsle beboeren</translation>
    </message>
    <message>
        <source>Learn mode on</source>
        <translation>Innlæring på</translation>
    </message>
    <message>
        <source>Learn mode off</source>
        <translation>Innlæring av</translation>
    </message>
    <message>
        <source>Forget device</source>
        <translation>Glem enheten</translation>
    </message>
    <message>
        <source>Check signal</source>
        <translation>Sjekk signal</translation>
    </message>
    <message>
        <source>phone number for a test SMS</source>
        <translation>telefonnummer for en test-SMS</translation>
    </message>
    <message>
        <source>Send test SMS</source>
        <translation>Send test-SMS</translation>
    </message>
    <message>
        <source>Enrolled sensors</source>
        <translation>Innlærte sensorer</translation>
    </message>
    <message>
        <source>Sensor</source>
        <translation>Sensor</translation>
    </message>
    <message>
        <source>Signal</source>
        <translation>Signal</translation>
    </message>
    <message>
        <source>Last check-in</source>
        <translation>Siste innsjekk</translation>
    </message>
    <message>
        <source>Serial ports found</source>
        <translation>Serieporter funnet</translation>
    </message>
    <message>
        <source>Assigned devices</source>
        <translation>Tilordnede enheter</translation>
    </message>
    <message>
        <source>fall detector</source>
        <translation>falldetektor</translation>
    </message>
    <message>
        <source>help button</source>
        <translation>alarmknapp</translation>
    </message>
    <message>
        <source>bed sensor</source>
        <translation>sengesensor</translation>
    </message>
    <message>
        <source>door sensor</source>
        <translation>dørsensor</translation>
    </message>
    <message>
        <source>silent</source>
        <translation>taus</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>tilkoblet</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>ikke tilkoblet</translation>
    </message>
    <message>
        <source>Choose a port in the list or type its path.</source>
        <translation>Velg en port i lista eller skriv stien.</translation>
    </message>
    <message>
        <source>Checking {port}...</source>
        <translation>Sjekker {port} ...</translation>
    </message>
    <message>
        <source>Type the phone number to send the test SMS to.</source>
        <translation>Skriv telefonnummeret test-SMS-en skal sendes til.</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Service address</source>
        <translation>Tjenesteadresse</translation>
    </message>
    <message>
        <source>Credential</source>
        <translation>Legitimasjon</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Forbindelse</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>Venter på å bli sendt</translation>
    </message>
    <message>
        <source>Refused by the service</source>
        <translation>Avvist av tjenesten</translation>
    </message>
    <message>
        <source>Last sent</source>
        <translation>Sist sendt</translation>
    </message>
    <message>
        <source>Last problem</source>
        <translation>Siste problem</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Test forbindelsen</translation>
    </message>
    <message>
        <source>never</source>
        <translation>aldri</translation>
    </message>
    <message>
        <source>not set: the hub keeps everything and tells the on-call phone by SMS ([care_service] url)</source>
        <translation>ikke satt: huben tar vare på alt og varsler vakttelefonen på SMS ([care_service] url)</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>tilkoblet</translation>
    </message>
    <message>
        <source>not connected since {since}</source>
        <translation>ikke tilkoblet siden {since}</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>ikke tilkoblet</translation>
    </message>
    <message>
        <source>{alarms} alarm(s), {doses} dose event(s), {readings} reading(s)</source>
        <translation>{alarms} alarm(er), {doses} dosehendelse(r), {readings} måling(er)</translation>
    </message>
    <message>
        <source>Testing...</source>
        <translation>Tester ...</translation>
    </message>
    <message>
        <source>The test failed: {reason}</source>
        <translation>Testen mislyktes: {reason}</translation>
    </message>
    <message>
        <source>The service answered and accepted the credential ({software}).</source>
        <translation>Tjenesten svarte og godtok legitimasjonen ({software}).</translation>
    </message>
</context>
<context>
    <name>SystemScreen</name>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>Versjon</translation>
    </message>
    <message>
        <source>Data folder</source>
        <translation>Datamappe</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Database</translation>
    </message>
    <message>
        <source>Store replaced</source>
        <translation>Lager byttet ut</translation>
    </message>
    <message>
        <source>Free disk space</source>
        <translation>Ledig diskplass</translation>
    </message>
    <message>
        <source>Clock</source>
        <translation>Klokke</translation>
    </message>
    <message>
        <source>Running for</source>
        <translation>Har kjørt i</translation>
    </message>
    <message>
        <source>Speech</source>
        <translation>Tale</translation>
    </message>
    <message>
        <source>Last log lines</source>
        <translation>Siste logglinjer</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Oppdater</translation>
    </message>
    <message>
        <source>hub {hub}, system {system}</source>
        <translation>hub {hub}, system {system}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>ukjent</translation>
    </message>
    <message>
        <source>{size}, schema {schema}, {events} events</source>
        <translation>{size}, skjema {schema}, {events} hendelser</translation>
    </message>
    <message>
        <source>{time}, time zone {zone} (UTC{offset})</source>
        <translation>{time}, tidssone {zone} (UTC{offset})</translation>
    </message>
    <message>
        <source>never: this is the store the hub started with</source>
        <translation>aldri: dette er lageret huben startet med</translation>
    </message>
    <message>
        <source>the store could not be read</source>
        <translation>lageret kunne ikke leses</translation>
    </message>
    <message>
        <source>the store was there before and was empty</source>
        <translation>lageret fantes fra før og var tomt</translation>
    </message>
    <message>
        <source>the store was there before and was gone</source>
        <translation>lageret fantes fra før og var borte</translation>
    </message>
    <message>
        <source>{at}: {what}. The hub started on a fresh store; the care service was told.</source>
        <translation>{at}: {what}. Huben startet med et nytt lager; hjemmetjenesten ble varslet.</translation>
    </message>
    <message>
        <source>Devices, pairings and the care plan came back from the setup copy.</source>
        <translation>Utstyr, paringer og tiltaksplanen ble hentet tilbake fra oppsettkopien.</translation>
    </message>
    <message>
        <source>Nothing could be restored: assign the devices again.</source>
        <translation>Ingenting kunne hentes tilbake: koble til utstyret på nytt.</translation>
    </message>
    <message>
        <source>The old file is kept untouched as {file} in the data folder: to restore it, stop the hub and put it back as hub.db (docs/faults.md).</source>
        <translation>Den gamle filen er tatt vare på urørt som {file} i datamappen: for å hente den tilbake, stopp huben og legg den tilbake som hub.db (docs/faults.md).</translation>
    </message>
    <message>
        <source>no voice for this language: the screen shows the words</source>
        <translation>ingen stemme for dette språket: skjermen viser ordene</translation>
    </message>
    <message>
        <source>{engine}, voice {voice}</source>
        <translation>{engine}, stemme {voice}</translation>
    </message>
    <message>
        <source>none: the hub shows its words but cannot say them (install espeak-ng)</source>
        <translation>ingen: huben viser ordene, men kan ikke si dem (installer espeak-ng)</translation>
    </message>
</context>
<context>
    <name>TechnicianArea</name>
    <message>
        <source>Technician</source>
        <translation>Tekniker</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Wired devices</source>
        <translation>Kablede enheter</translation>
    </message>
    <message>
        <source>Bluetooth devices</source>
        <translation>Bluetooth-enheter</translation>
    </message>
    <message>
        <source>Care service</source>
        <translation>Hjemmetjenesten</translation>
    </message>
    <message>
        <source>Close and lock</source>
        <translation>Lukk og lås</translation>
    </message>
</context>
</TS>
