<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="nn_NO">
<context>
    <name>BluetoothScreen</name>
    <message>
        <source>Blood-pressure monitor</source>
        <translation>Blodtrykksmålar</translation>
    </message>
    <message>
        <source>Pulse sensor</source>
        <translation>Pulsmålar</translation>
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
        <translation>Blodsukkermålar</translation>
    </message>
    <message>
        <source>Scan</source>
        <translation>Søk</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Namn</translation>
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
        <translation>Para</translation>
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
        <translation>Gløym eininga</translation>
    </message>
    <message>
        <source>Test read</source>
        <translation>Testavlesing</translation>
    </message>
    <message>
        <source>Health devices nearby</source>
        <translation>Helseeiningar i nærleiken</translation>
    </message>
    <message>
        <source>Paired with this hub</source>
        <translation>Para med denne huben</translation>
    </message>
    <message>
        <source>Looking for health devices nearby...</source>
        <translation>Leitar etter helseeiningar i nærleiken ...</translation>
    </message>
    <message>
        <source>not recognised</source>
        <translation>ikkje kjend att</translation>
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
        <translation>{count} helseeining(ar) funne.</translation>
    </message>
    <message>
        <source>Scanning failed: {reason}</source>
        <translation>Søket mislukkast: {reason}</translation>
    </message>
    <message>
        <source>Scan, then choose the device to pair in the list.</source>
        <translation>Søk, og vel så eininga som skal parast, i lista.</translation>
    </message>
    <message>
        <source>Pairing {address}... (put the device in pairing mode if it has one)</source>
        <translation>Parar {address} ... (set eininga i paringsmodus om ho har det)</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>tilkopla</translation>
    </message>
    <message>
        <source>waiting for the device</source>
        <translation>ventar på eininga</translation>
    </message>
    <message>
        <source>Choose a paired device in the list first.</source>
        <translation>Vel først ei para eining i lista.</translation>
    </message>
    <message>
        <source>Reading {address}...</source>
        <translation>Les {address} ...</translation>
    </message>
    <message>
        <source>Test read failed: {reason}</source>
        <translation>Testavlesinga mislukkast: {reason}</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>ukjend</translation>
    </message>
    <message>
        <source>none yet</source>
        <translation>ingen enno</translation>
    </message>
    <message>
        <source>Connected. Battery {battery}. {model}, serial number {serial}, firmware {firmware}. Last reading stored: {last}.</source>
        <translation>Tilkopla. Batteri {battery}. {model}, serienummer {serial}, fastvare {firmware}. Siste måling lagra: {last}.</translation>
    </message>
</context>
<context>
    <name>CallOutScreen</name>
    <message>
        <source>Who do you want to call?</source>
        <translation>Kven vil du ringje?</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>Tilbake</translation>
    </message>
    <message>
        <source>There is no one to call yet. The home-care service can add your family.</source>
        <translation>Det er ingen å ringje enno. Heimetenesta kan leggje inn familien din.</translation>
    </message>
    <message>
        <source>Home-care service</source>
        <translation>Heimetenesta</translation>
    </message>
    <message>
        <source>Call {name}</source>
        <translation>Ring {name}</translation>
    </message>
    <message>
        <source>Calling...</source>
        <translation>Ringjer ...</translation>
    </message>
    <message>
        <source>The call to {name} could not be started. Try again later, or press Help if you need help.</source>
        <translation>Vi fekk ikkje starta samtalen til {name}. Prøv igjen seinare, eller trykk Hjelp om du treng hjelp.</translation>
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
        <translation>Ikkje no</translation>
    </message>
    <message>
        <source>Quieter</source>
        <translation>Lågare</translation>
    </message>
    <message>
        <source>Louder</source>
        <translation>Høgare</translation>
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
        <translation>ringjer deg på video</translation>
    </message>
    <message>
        <source>You missed a video call</source>
        <translation>Du gjekk glipp av ein videosamtale</translation>
    </message>
    <message>
        <source>{who} called at {time}.</source>
        <translation>{who} ringde klokka {time}.</translation>
    </message>
    <message>
        <source>{who} has been told that you could not answer.</source>
        <translation>{who} har fått beskjed om at du ikkje kunne svare.</translation>
    </message>
    <message>
        <source>Answers by itself in {seconds} seconds</source>
        <translation>Svarer av seg sjølv om {seconds} sekund</translation>
    </message>
    <message>
        <source>Sound: {level} of 10</source>
        <translation>Lyd: {level} av 10</translation>
    </message>
    <message>
        <source>No camera and no microphone found: you can see and hear the other person, but they cannot see or hear you.</source>
        <translation>Fann verken kamera eller mikrofon: du ser og høyrer den andre, men den andre ser og høyrer ikkje deg.</translation>
    </message>
    <message>
        <source>No camera found: the other person can hear you, but cannot see you.</source>
        <translation>Fann ikkje noko kamera: den andre høyrer deg, men ser deg ikkje.</translation>
    </message>
    <message>
        <source>No microphone found: the other person can see you, but cannot hear you.</source>
        <translation>Fann ingen mikrofon: den andre ser deg, men høyrer deg ikkje.</translation>
    </message>
</context>
<context>
    <name>CountdownScreen</name>
    <message>
        <source>The fall sensor noticed a fall.</source>
        <translation>Fallsensoren merka eit fall.</translation>
    </message>
    <message>
        <source>You have been out of bed for a long time tonight.</source>
        <translation>Du har vore oppe av senga lenge i natt.</translation>
    </message>
    <message>
        <source>The door is open. Are you outside?</source>
        <translation>Døra er open. Er du ute?</translation>
    </message>
    <message>
        <source>We have not noticed you moving for a long time.</source>
        <translation>Vi har ikkje merka at du har rørt deg på lenge.</translation>
    </message>
    <message>
        <source>Are you OK?</source>
        <translation>Går det bra?</translation>
    </message>
    <message>
        <source>I&apos;m OK</source>
        <translation>Det går bra</translation>
    </message>
    <message>
        <source>An alarm is about to be sent.</source>
        <translation>Ein alarm er i ferd med å bli send.</translation>
    </message>
    <message>
        <source>Are you OK? Press the green button if you are.</source>
        <translation>Går det bra? Trykk på den grøne knappen om det går bra.</translation>
    </message>
    <message>
        <source>If you do not answer, the home-care service is called in {seconds} seconds.</source>
        <translation>Om du ikkje svarer, blir heimetenesta tilkalla om {seconds} sekund.</translation>
    </message>
    <message>
        <source>Calling the home-care service...</source>
        <translation>Tilkallar heimetenesta ...</translation>
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
        <translation>Vi har registrert at du treng hjelp</translation>
    </message>
    <message>
        <source>It was registered at {time}. The home-care service will be told and will contact you as soon as they can.

If you can, sit down and stay where you are.</source>
        <translation>Det vart registrert klokka {time}. Heimetenesta får beskjed og tek kontakt med deg så snart dei kan.

Om du kan, set deg ned og bli verande der du er.</translation>
    </message>
    <message>
        <source>Help is on the way: {name}</source>
        <translation>Hjelpa er på veg: {name}</translation>
    </message>
    <message>
        <source>{name} has your alarm and will contact you.

If you can, sit down and stay where you are.</source>
        <translation>{name} har alarmen din og tek kontakt med deg.

Om du kan, set deg ned og bli verande der du er.</translation>
    </message>
    <message>
        <source>{name} is coming</source>
        <translation>{name} kjem</translation>
    </message>
    <message>
        <source>{name} answered the message and is on the way. The home-care service knows.

If you can, sit down and stay where you are.</source>
        <translation>{name} har svart på meldinga og er på veg. Heimetenesta veit om det.

Om du kan, set deg ned og bli verande der du er.</translation>
    </message>
    <message>
        <source>Nobody has answered yet</source>
        <translation>Ingen har svart enno</translation>
    </message>
    <message>
        <source>If you can, phone the home-care service, or 113 if it is an emergency.</source>
        <translation>Om du kan, ring heimetenesta, eller 113 om det hastar.</translation>
    </message>
    <message>
        <source>We are still waiting for an answer</source>
        <translation>Vi ventar framleis på svar</translation>
    </message>
    <message>
        <source>We have also sent a message to {names}.</source>
        <translation>Vi har også sendt ei melding til {names}.</translation>
    </message>
    <message>
        <source>We are calling the home-care service again.</source>
        <translation>Vi varslar heimetenesta igjen.</translation>
    </message>
    <message>
        <source>If you can, sit down and stay where you are.</source>
        <translation>Set deg ned og bli verande der du er, om du kan.</translation>
    </message>
    <message>
        <source>Help is being called</source>
        <translation>Hjelp er tilkalla</translation>
    </message>
    <message>
        <source>The alarm was sent at {time}. The home-care service will be told and will contact you as soon as they can.

If you can, sit down and stay where you are.</source>
        <translation>Alarmen vart send klokka {time}. Heimetenesta får beskjed og tek kontakt med deg så snart dei kan.

Om du kan, set deg ned og bli verande der du er.</translation>
    </message>
    <message>
        <source>Your call for help could not be registered</source>
        <translation>Vi fekk ikkje registrert at du treng hjelp</translation>
    </message>
    <message>
        <source>Something is wrong with this screen. Please phone the home-care service, or 113 if it is an emergency.</source>
        <translation>Noko er gale med denne skjermen. Ring heimetenesta, eller 113 om det hastar.</translation>
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
        <translation>Trykk for å tilkalle heimetenesta</translation>
    </message>
    <message>
        <source>Help: call the home-care service</source>
        <translation>Hjelp: tilkall heimetenesta</translation>
    </message>
    <message>
        <source>Press to call
the home-care service</source>
        <translation>Trykk for å tilkalle
heimetenesta</translation>
    </message>
    <message>
        <source>Technician (press and hold)</source>
        <translation>Teknikar (trykk og hald)</translation>
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
        <translation>God morgon, {name}</translation>
    </message>
    <message>
        <source>Good morning</source>
        <translation>God morgon</translation>
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
        <translation>Alt verkar som det skal</translation>
    </message>
    <message>
        <source>The hub needs service. The Help button still works.</source>
        <translation>Huben treng service. Hjelp-knappen verkar framleis.</translation>
    </message>
    <message>
        <source>The {device} needs attention</source>
        <translation>{device} må sjekkast</translation>
    </message>
    <message>
        <source>(and {count} more)</source>
        <translation>(og {count} til)</translation>
    </message>
    <message>
        <source>{who} calls you (video)</source>
        <translation>{who} ringjer deg (video)</translation>
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
        <translation>Veg deg</translation>
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
        <translation>Mottakaren for alarmsensorane</translation>
    </message>
    <message>
        <source>mobile modem</source>
        <translation>Mobilmodemet</translation>
    </message>
    <message>
        <source>blood-pressure monitor</source>
        <translation>Blodtrykksmålaren</translation>
    </message>
    <message>
        <source>pulse sensor</source>
        <translation>Pulsmålaren</translation>
    </message>
    <message>
        <source>oxygen meter</source>
        <translation>Oksygenmålaren</translation>
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
        <translation>Blodsukkermålaren</translation>
    </message>
    <message>
        <source>connection to the home-care service</source>
        <translation>Sambandet til heimetenesta</translation>
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
        <translation>Hjelp: tilkall heimetenesta</translation>
    </message>
    <message>
        <source>Assigned {port}: {model}, serial number {serial}, firmware {firmware}.</source>
        <translation>Tilordna {port}: {model}, serienummer {serial}, fastvare {firmware}.</translation>
    </message>
    <message>
        <source>Not assigned: {reason}</source>
        <translation>Ikkje tilordna: {reason}</translation>
    </message>
    <message>
        <source>Failed: {reason}</source>
        <translation>Mislukkast: {reason}</translation>
    </message>
    <message>
        <source>The dispenser signalled the resident.</source>
        <translation>Dispenseren varsla bebuaren.</translation>
    </message>
    <message>
        <source>Learn mode is on: press the button on each sensor.</source>
        <translation>Innlæring er på: trykk på knappen på kvar sensor.</translation>
    </message>
    <message>
        <source>Learn mode is off.</source>
        <translation>Innlæring er av.</translation>
    </message>
    <message>
        <source>{dbm} dBm ({bars} of 5 bars)</source>
        <translation>{dbm} dBm ({bars} av 5 strekar)</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>ukjend</translation>
    </message>
    <message>
        <source>home network</source>
        <translation>heimenett</translation>
    </message>
    <message>
        <source>roaming</source>
        <translation>roaming</translation>
    </message>
    <message>
        <source>searching for a network</source>
        <translation>leitar etter nett</translation>
    </message>
    <message>
        <source>refused by the network</source>
        <translation>avvist av nettet</translation>
    </message>
    <message>
        <source>not registered</source>
        <translation>ikkje registrert</translation>
    </message>
    <message>
        <source>Signal: {strength}. Network: {network}.</source>
        <translation>Signal: {strength}. Nett: {network}.</translation>
    </message>
    <message>
        <source>The test SMS was sent.</source>
        <translation>Test-SMS-en er send.</translation>
    </message>
    <message>
        <source>Paired {name} ({address}).</source>
        <translation>Para {name} ({address}).</translation>
    </message>
    <message>
        <source>Not paired: {reason}</source>
        <translation>Ikkje para: {reason}</translation>
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
        <translation>Tidlegare målingar</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Ferdig</translation>
    </message>
    <message>
        <source>7 days</source>
        <translation>7 dagar</translation>
    </message>
    <message>
        <source>30 days</source>
        <translation>30 dagar</translation>
    </message>
    <message>
        <source>Put on the cuff, then press the button on the monitor.</source>
        <translation>Ta på mansjetten, og trykk så på knappen på målaren.</translation>
    </message>
    <message>
        <source>Put the clip on a finger and keep your hand still.</source>
        <translation>Set klypa på ein finger, og hald handa i ro.</translation>
    </message>
    <message>
        <source>Take your temperature as you usually do.</source>
        <translation>Mål temperaturen slik du pleier.</translation>
    </message>
    <message>
        <source>Step onto the scale and stand still.</source>
        <translation>Gå opp på vekta og stå stille.</translation>
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
        <translation>Vekta di</translation>
    </message>
    <message>
        <source>Your blood sugar</source>
        <translation>Blodsukkeret ditt</translation>
    </message>
    <message>
        <source>{what} is saved.</source>
        <translation>{what} er lagra.</translation>
    </message>
    <message>
        <source>{what} is within your limits.</source>
        <translation>{what} er innanfor grensene dine.</translation>
    </message>
    <message>
        <source>{what} is a little outside your limits. Measure again at the usual time.</source>
        <translation>{what} er litt utanfor grensene dine. Mål igjen til vanleg tid.</translation>
    </message>
    <message>
        <source>{what} is far outside your limits. Sit down and rest. If you feel unwell, press Help.</source>
        <translation>{what} er langt utanfor grensene dine. Set deg ned og kvil. Trykk på Hjelp om du kjenner deg dårleg.</translation>
    </message>
    <message>
        <source>The monitor noticed an irregular pulse.</source>
        <translation>Målaren merka ein ujamn puls.</translation>
    </message>
    <message>
        <source>The cuff was too loose. Put it on a little tighter and measure once more.</source>
        <translation>Mansjetten sat for laust. Stram han litt, og mål ein gong til.</translation>
    </message>
    <message>
        <source>You moved while it measured. Sit still and measure once more.</source>
        <translation>Du rørte deg medan han målte. Sit stille og mål ein gong til.</translation>
    </message>
    <message>
        <source>The cuff was not in the right place. Put it on again and measure once more.</source>
        <translation>Mansjetten sat ikkje rett. Ta han på igjen, og mål ein gong til.</translation>
    </message>
    <message>
        <source>Your pulse was outside what the monitor can measure.</source>
        <translation>Pulsen din var utanfor det målaren kan måle.</translation>
    </message>
    <message>
        <source>The device was not sure of this reading. Measure once more.</source>
        <translation>Målaren var usikker på denne målinga. Mål ein gong til.</translation>
    </message>
    <message>
        <source>Pulse {pulse} per minute</source>
        <translation>Puls {pulse} i minuttet</translation>
    </message>
    <message>
        <source>Waiting for the measurement...</source>
        <translation>Ventar på målinga ...</translation>
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
        <translation>Inga måling har kome enno. Sjekk at målaren er slått på og er nær denne skjermen, og prøv igjen.</translation>
    </message>
    <message>
        <source>{what}, the last {days} days</source>
        <translation>{what}, dei siste {days} dagane</translation>
    </message>
    <message>
        <source>No readings in these days.</source>
        <translation>Ingen målingar desse dagane.</translation>
    </message>
</context>
<context>
    <name>MessageScreen</name>
    <message>
        <source>OK, I have read it</source>
        <translation>OK, eg har lese det</translation>
    </message>
    <message>
        <source>the home-care service</source>
        <translation>heimetenesta</translation>
    </message>
    <message>
        <source>A message from {sender} at {time}</source>
        <translation>Ei melding frå {sender} klokka {time}</translation>
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
        <translation>Kva denne skjermen tek vare på</translation>
    </message>
    <message>
        <source>For how long</source>
        <translation>Kor lenge</translation>
    </message>
    <message>
        <source>Who receives it</source>
        <translation>Kven som får det</translation>
    </message>
    <message>
        <source>What you have agreed to</source>
        <translation>Kva du har sagt ja til</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Your measurements: {n}</source>
        <translation>Målingane dine: {n}</translation>
    </message>
    <message>
        <source>Your medicines, taken or missed: {n}</source>
        <translation>Medisinane dine, tekne eller gløymde: {n}</translation>
    </message>
    <message>
        <source>Alarms: {n}</source>
        <translation>Alarmar: {n}</translation>
    </message>
    <message>
        <source>Reminders: {n}</source>
        <translation>Påminningar: {n}</translation>
    </message>
    <message>
        <source>Getting up at night and moving about: {n}</source>
        <translation>Når du står opp om natta og går omkring: {n}</translation>
    </message>
    <message>
        <source>Messages from the devices (batteries and the like): {n}</source>
        <translation>Meldingar frå utstyret (batteri og liknande): {n}</translation>
    </message>
    <message>
        <source>{days} days. After that it is deleted from this screen. A record of who did what is kept, without your measurements.</source>
        <translation>{days} dagar. Etter det blir det sletta frå denne skjermen. Ein logg over kven som gjorde kva blir teken vare på, utan målingane dine.</translation>
    </message>
    <message>
        <source>The home-care service: your alarms and medicines{measurements}.</source>
        <translation>Heimetenesta: alarmane og medisinane dine{measurements}.</translation>
    </message>
    <message>
        <source>, and your measurements</source>
        <translation>, og målingane dine</translation>
    </message>
    <message>
        <source>By text message, when an alarm is not answered: {names}.</source>
        <translation>På SMS, når ingen svarer på ein alarm: {names}.</translation>
    </message>
    <message>
        <source>This screen is not connected to the home-care service yet: it keeps what is to be sent until it is.</source>
        <translation>Denne skjermen er ikkje kopla til heimetenesta enno: han tek vare på det som skal sendast til han blir det.</translation>
    </message>
    <message>
        <source>Sharing your measurements</source>
        <translation>Deling av målingane dine</translation>
    </message>
    <message>
        <source>Watching for long times out of bed at night, or no movement</source>
        <translation>Varsel når du er lenge oppe om natta, eller ikkje rører deg</translation>
    </message>
    <message>
        <source>Answering video calls by itself</source>
        <translation>Svare på videosamtalar av seg sjølv</translation>
    </message>
    <message>
        <source>Telling your relatives about alarms</source>
        <translation>Varsle pårørande om alarmar</translation>
    </message>
    <message>
        <source>{what}: not asked</source>
        <translation>{what}: ikkje spurt</translation>
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
        <translation>Teknikar: skriv inn PIN-koden</translation>
    </message>
    <message>
        <source>Open</source>
        <translation>Opne</translation>
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
        <translation>Feil PIN-kode. {count} forsøk att før tilgangen blir låst.</translation>
    </message>
    <message>
        <source>Locked after too many wrong PINs. Try again after {time}.</source>
        <translation>Låst etter for mange feil PIN-kodar. Prøv igjen etter klokka {time}.</translation>
    </message>
    <message>
        <source>No technician PIN is set on this hub. Set one with: welfare-hub set-pin</source>
        <translation>Ingen teknikarkode er sett på denne huben. Set ein med: welfare-hub set-pin</translation>
    </message>
    <message>
        <source>The PIN file cannot be used: {reason}</source>
        <translation>PIN-fila kan ikkje brukast: {reason}</translation>
    </message>
    <message>
        <source>The PIN could not be checked. See the log.</source>
        <translation>PIN-koden kunne ikkje sjekkast. Sjå loggen.</translation>
    </message>
</context>
<context>
    <name>ReminderScreen</name>
    <message>
        <source>I have taken it</source>
        <translation>Eg har teke han</translation>
    </message>
    <message>
        <source>Measure now</source>
        <translation>Mål no</translation>
    </message>
    <message>
        <source>Later</source>
        <translation>Seinare</translation>
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
        <translation>vekta di</translation>
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
        <translation>Ta han frå medisindispenseren. Lyset viser kvar.</translation>
    </message>
    <message>
        <source>Take your medicine, then press the green button.</source>
        <translation>Ta medisinen din, og trykk så på den grøne knappen.</translation>
    </message>
    <message>
        <source>Time to measure</source>
        <translation>Tid for å måle</translation>
    </message>
    <message>
        <source>Press the green button when you are ready.</source>
        <translation>Trykk på den grøne knappen når du er klar.</translation>
    </message>
    <message>
        <source>Video call</source>
        <translation>Videosamtale</translation>
    </message>
    <message>
        <source>{who} calls at {time}.</source>
        <translation>{who} ringjer klokka {time}.</translation>
    </message>
    <message>
        <source>(This was due at {time}.)</source>
        <translation>(Dette skulle vore klokka {time}.)</translation>
    </message>
    <message>
        <source>This is a reminder again.</source>
        <translation>Dette er ei påminning til.</translation>
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
        <translation>Sensormottakar</translation>
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
        <translation>Skildring</translation>
    </message>
    <message>
        <source>or type a port path</source>
        <translation>eller skriv stien til ein port</translation>
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
        <translation>Test: varsle bebuaren</translation>
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
        <translation>Gløym eininga</translation>
    </message>
    <message>
        <source>Check signal</source>
        <translation>Sjekk signal</translation>
    </message>
    <message>
        <source>phone number for a test SMS</source>
        <translation>telefonnummer for ein test-SMS</translation>
    </message>
    <message>
        <source>Send test SMS</source>
        <translation>Send test-SMS</translation>
    </message>
    <message>
        <source>Enrolled sensors</source>
        <translation>Innlærte sensorar</translation>
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
        <translation>Serieportar funne</translation>
    </message>
    <message>
        <source>Assigned devices</source>
        <translation>Tilordna einingar</translation>
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
        <translation>stille</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>ok</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>tilkopla</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>ikkje tilkopla</translation>
    </message>
    <message>
        <source>Choose a port in the list or type its path.</source>
        <translation>Vel ein port i lista eller skriv stien.</translation>
    </message>
    <message>
        <source>Checking {port}...</source>
        <translation>Sjekkar {port} ...</translation>
    </message>
    <message>
        <source>Type the phone number to send the test SMS to.</source>
        <translation>Skriv telefonnummeret test-SMS-en skal sendast til.</translation>
    </message>
</context>
<context>
    <name>SyncScreen</name>
    <message>
        <source>Service address</source>
        <translation>Tenesteadresse</translation>
    </message>
    <message>
        <source>Credential</source>
        <translation>Legitimasjon</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Samband</translation>
    </message>
    <message>
        <source>Waiting to be sent</source>
        <translation>Ventar på å bli send</translation>
    </message>
    <message>
        <source>Refused by the service</source>
        <translation>Avvist av tenesta</translation>
    </message>
    <message>
        <source>Last sent</source>
        <translation>Sist send</translation>
    </message>
    <message>
        <source>Last problem</source>
        <translation>Siste problem</translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation>Test sambandet</translation>
    </message>
    <message>
        <source>never</source>
        <translation>aldri</translation>
    </message>
    <message>
        <source>not set: the hub keeps everything and tells the on-call phone by SMS ([care_service] url)</source>
        <translation>ikkje sett: huben tek vare på alt og varslar vakttelefonen på SMS ([care_service] url)</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>tilkopla</translation>
    </message>
    <message>
        <source>not connected since {since}</source>
        <translation>ikkje tilkopla sidan {since}</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>ikkje tilkopla</translation>
    </message>
    <message>
        <source>{alarms} alarm(s), {doses} dose event(s), {readings} reading(s)</source>
        <translation>{alarms} alarm(ar), {doses} dosehending(ar), {readings} måling(ar)</translation>
    </message>
    <message>
        <source>Testing...</source>
        <translation>Testar ...</translation>
    </message>
    <message>
        <source>The test failed: {reason}</source>
        <translation>Testen mislukkast: {reason}</translation>
    </message>
    <message>
        <source>The service answered and accepted the credential ({software}).</source>
        <translation>Tenesta svarte og godtok legitimasjonen ({software}).</translation>
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
        <translation>Lager bytt ut</translation>
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
        <translation>Har køyrt i</translation>
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
        <translation>ukjend</translation>
    </message>
    <message>
        <source>{size}, schema {schema}, {events} events</source>
        <translation>{size}, skjema {schema}, {events} hendingar</translation>
    </message>
    <message>
        <source>{time}, time zone {zone} (UTC{offset})</source>
        <translation>{time}, tidssone {zone} (UTC{offset})</translation>
    </message>
    <message>
        <source>never: this is the store the hub started with</source>
        <translation>aldri: dette er lageret huben starta med</translation>
    </message>
    <message>
        <source>the store could not be read</source>
        <translation>lageret kunne ikkje lesast</translation>
    </message>
    <message>
        <source>the store was there before and was empty</source>
        <translation>lageret fanst frå før og var tomt</translation>
    </message>
    <message>
        <source>the store was there before and was gone</source>
        <translation>lageret fanst frå før og var borte</translation>
    </message>
    <message>
        <source>{at}: {what}. The hub started on a fresh store; the care service was told.</source>
        <translation>{at}: {what}. Huben starta med eit nytt lager; heimetenesta vart varsla.</translation>
    </message>
    <message>
        <source>Devices, pairings and the care plan came back from the setup copy.</source>
        <translation>Utstyr, paringar og tiltaksplanen vart henta tilbake frå oppsettkopien.</translation>
    </message>
    <message>
        <source>Nothing could be restored: assign the devices again.</source>
        <translation>Ingenting kunne hentast tilbake: kople til utstyret på nytt.</translation>
    </message>
    <message>
        <source>The old file is kept untouched as {file} in the data folder: to restore it, stop the hub and put it back as hub.db (docs/faults.md).</source>
        <translation>Den gamle fila er teken vare på urørt som {file} i datamappa: for å hente henne tilbake, stopp huben og legg henne tilbake som hub.db (docs/faults.md).</translation>
    </message>
    <message>
        <source>no voice for this language: the screen shows the words</source>
        <translation>inga stemme for dette språket: skjermen viser orda</translation>
    </message>
    <message>
        <source>{engine}, voice {voice}</source>
        <translation>{engine}, stemme {voice}</translation>
    </message>
    <message>
        <source>none: the hub shows its words but cannot say them (install espeak-ng)</source>
        <translation>ingen: huben viser orda, men kan ikkje seie dei (installer espeak-ng)</translation>
    </message>
</context>
<context>
    <name>TechnicianArea</name>
    <message>
        <source>Technician</source>
        <translation>Teknikar</translation>
    </message>
    <message>
        <source>System</source>
        <translation>System</translation>
    </message>
    <message>
        <source>Wired devices</source>
        <translation>Kabla einingar</translation>
    </message>
    <message>
        <source>Bluetooth devices</source>
        <translation>Bluetooth-einingar</translation>
    </message>
    <message>
        <source>Care service</source>
        <translation>Heimetenesta</translation>
    </message>
    <message>
        <source>Close and lock</source>
        <translation>Lukk og lås</translation>
    </message>
</context>
</TS>
